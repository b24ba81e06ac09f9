// `npx tsx bench/first-check.ts [fleet|lab] [connections=40]`: how long the first and the second status check of a
// fresh pooled connection take, by plain exec and over the long-lived status loop (SshPool.execRepeating), one
// connection at a time, the two ways in turn. On the simulated fleet (BENCH_FLEET_NET, default 127.155) or on one
// host of a lab of real sshd and chronyd (BENCH_LAB_NET, default 127.157.2). Wall time: a wait on the network
// (a delayed ACK) shows here, not in CPU figures.
import { resolve } from 'node:path';
import { loadInventory } from '../src/inventory/index.js';
import { SshPool } from '../src/ssh/ssh-pool.js';
import { NTP_STATUS_COMMAND, NTP_STATUS_REPEATING } from '../src/tasks/chrony/remote-command.js';
import { ALL_ANSWERING, startFleet } from '../test/fleet/index.js';
import { startLab } from '../test/lab/index.js';

const DIR = resolve('.lab/first-check');
const median = (xs: number[]) => ([...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN).toFixed(1);

interface Target {
  inventoryPath: string;
  knownHostsPath: string;
  hosts: string[];
  stop(): Promise<void>;
}

async function target(kind: string, n: number): Promise<Target> {
  if (kind === 'lab') {
    const lab = await startLab({ dir: `${DIR}/lab`, net: process.env.BENCH_LAB_NET ?? '127.157.2' });
    return { ...lab, hosts: Array(n).fill('client-sync'), stop: () => lab.stop() };
  }
  const fleet = await startFleet({
    count: n,
    dir: `${DIR}/fleet`,
    net: process.env.BENCH_FLEET_NET ?? '127.155',
    mix: ALL_ANSWERING,
  });
  return { ...fleet, hosts: fleet.hosts.map((h) => h.name), stop: () => fleet.stop() };
}

async function main(kind: string, n: number): Promise<void> {
  const t = await target(kind, n);
  try {
    const inv = await loadInventory(t.inventoryPath, { user: 'root' });
    const ms = {
      exec: { first: [] as number[], second: [] as number[] },
      loop: { first: [] as number[], second: [] as number[] },
    };
    for (const [i, name] of t.hosts.entries()) {
      const host = inv.hosts.get(name);
      if (!host) throw new Error(`no ${name}`);
      for (const way of i % 2 ? (['loop', 'exec'] as const) : (['exec', 'loop'] as const)) {
        const pool = new SshPool({
          knownHostsPath: t.knownHostsPath,
          connectTimeoutMs: 10_000,
          commandTimeoutMs: 10_000,
          idleMs: 60_000,
          concurrency: 1,
        });
        try {
          await pool.exec(host, 'true'); // connects (a fleet host answers 127: it runs the status command only)
          for (const which of ['first', 'second'] as const) {
            const at = performance.now();
            const r =
              way === 'loop'
                ? await pool.execRepeating(host, NTP_STATUS_REPEATING)
                : await pool.exec(host, NTP_STATUS_COMMAND);
            ms[way][which].push(performance.now() - at);
            if (!r.stdout.includes('end chronyc exit=')) throw new Error(`${name}: no status output`);
          }
        } finally {
          await pool.close();
        }
      }
    }
    process.stdout.write(
      `${kind}, ${t.hosts.length} fresh connections each way (median ms): ` +
        `exec first ${median(ms.exec.first)}, second ${median(ms.exec.second)}; ` +
        `loop first ${median(ms.loop.first)}, second ${median(ms.loop.second)}\n`,
    );
  } finally {
    await t.stop();
  }
}

const [kind = 'fleet', n = '40'] = process.argv.slice(2);
main(kind, Number(n)).then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
