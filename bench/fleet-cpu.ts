// `npx tsx bench/fleet-cpu.ts [hosts=1000] [rounds=3]`: the CPU of the simulated fleet's side of labops' checks, apart
// from labops'. The fleet (test/fleet, every host answering, in sync) runs in a child process on BENCH_FLEET_NET
// (default 127.134); this process checks every host with labops' SshPool and checkHost (LAB_SSH_CONCURRENCY 50),
// a cold round (a fresh pool: every host connected) then a warm one, `rounds` times. Client CPU from
// process.cpuUsage, the fleet's from /proc/<pid>/stat (10 ms ticks). What the fleet costs is what the scale
// benches' simulated hosts take from the two cores labops runs on.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadInventory } from '../src/inventory/index.js';
import { SshPool } from '../src/ssh/ssh-pool.js';
import { checkHost } from '../src/tasks/chrony/check-host.js';
import { ensureFdLimit } from '../test/fleet/fd-limit.js';
import { ALL_ANSWERING } from '../test/fleet/index.js';
import { serveFleet, spawnFleetChild } from './fleet-child.js';

const asFleet = process.argv[2] === 'fleet';
const [hostsArg, roundsArg] = process.argv.slice(asFleet ? 3 : 2);
const HOSTS = Number(hostsArg ?? 1000);
const ROUNDS = Number(roundsArg ?? 3);
const NET = process.env.BENCH_FLEET_NET ?? '127.134';
const THRESHOLDS = { warnMs: 50, critMs: 500 };

/** User + system CPU of a process, in ms, from /proc (the fields after the command name). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const fleetMain = () =>
  serveFleet({ count: HOSTS, dir: resolve('.lab/fleet-cpu'), net: NET, mix: ALL_ANSWERING });

async function main(): Promise<void> {
  ensureFdLimit(4 * HOSTS + 200);
  const { child, inventory, knownHosts } = await spawnFleetChild(import.meta.filename, [String(HOSTS)]);
  try {
    const hosts = [...(await loadInventory(inventory, { user: 'root' })).hosts.values()];
    const pid = child.pid as number;
    const round = async (pool: SshPool) => {
      const fleet0 = cpuMsOf(pid);
      const own0 = process.cpuUsage();
      const started = Date.now();
      await Promise.all(hosts.map((h) => checkHost(pool, h, THRESHOLDS)));
      const own = process.cpuUsage(own0);
      const per = (ms: number) => `${(ms / hosts.length).toFixed(3)} ms`;
      return `${Date.now() - started} ms wall, labops ${per((own.user + own.system) / 1000)} a host, fleet ${per(cpuMsOf(pid) - fleet0)} a host`;
    };
    for (let r = 1; r <= ROUNDS; r++) {
      const pool = new SshPool({
        knownHostsPath: knownHosts,
        connectTimeoutMs: 30_000,
        commandTimeoutMs: 30_000,
        idleMs: 600_000,
        concurrency: 50,
      });
      const cold = await round(pool);
      const warm = await round(pool);
      process.stdout.write(`round ${r}: cold ${cold} | warm ${warm}\n`);
      await pool.close();
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    child.kill('SIGTERM');
  }
}

if (asFleet) {
  void fleetMain();
} else {
  main().then(
    () => process.exit(0),
    (err: Error) => {
      process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
      process.exit(1);
    },
  );
}
