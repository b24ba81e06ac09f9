// `npx tsx bench/pool-cpu-ab.ts BASE_DIR [reps] [warm pairs]`: the SSH pool's CPU per host, this checkout against
// another (BASE_DIR: a checkout with its dist/ built, e.g. `git worktree add /tmp/base main`, node_modules linked,
// `npm run build` there), in ONE process, round by round in turn, so that both see the same load on a shared
// machine (runs of separate processes minutes apart differ by a third here). Each rep: a cold round each (every
// host connected), then warm rounds A, B, B, A, ... of checkHost over every host (LAB_SSH_CONCURRENCY 50); CPU from
// process.cpuUsage. No bot, Redis or Slack: what is left is the pool, ssh2 and the parsing. The fleet (1000 hosts
// by default, all answering) runs in a child process on BENCH_FLEET_NET (default 127.133), its CPU not counted.
import { resolve } from 'node:path';
import { ensureFdLimit } from '../test/fleet/fd-limit.js';
import { buildDist } from './bench-main.js';
import { serveFleet, spawnFleetChild } from './fleet-child.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
const HOSTS = Number(process.env.BENCH_HOSTS ?? 1000);
const NET = process.env.BENCH_FLEET_NET ?? '127.133';
const DIR = resolve('.lab/pool-cpu-ab');
const THRESHOLDS = { warnMs: 50, critMs: 500 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

interface Side {
  // dist/ modules of one checkout, loaded at run time: typed loosely on purpose (two versions of the same code)
  SshPool: new (
    o: Record<string, unknown>,
  ) => { close(): Promise<void> };
  checkHost: (pool: unknown, host: unknown, t: unknown) => Promise<{ errorCode?: string }>;
  loadInventory: (path: string, d: { user: string }) => Promise<{ hosts: Map<string, unknown> }>;
}

async function loadSide(root: string): Promise<Side> {
  const dist = (p: string) => import(resolve(root, 'dist', p));
  return {
    SshPool: (await dist('ssh/ssh-pool.js')).SshPool,
    checkHost: (await dist('tasks/chrony/check-host.js')).checkHost,
    loadInventory: (await dist('inventory/index.js')).loadInventory,
  };
}

/** In the fleet's child: HOSTS hosts, all answering, their states as the captures vary them. */
const fleetMain = () =>
  serveFleet({
    count: HOSTS,
    dir: `${DIR}/fleet`,
    net: NET,
    mix: {
      states: { sync: 85, drift: 7, unsync: 4, 'daemon-down': 4 },
      behaviours: { answers: 100, slow: 0, refused: 0, 'wrong-key': 0 },
    },
  });

async function main(baseRoot: string, reps: number, pairs: number): Promise<void> {
  buildDist(log);
  ensureFdLimit(4 * HOSTS + 200);
  const sides = { A: await loadSide(baseRoot), B: await loadSide('.') };
  const fleet = await spawnFleetChild(import.meta.filename);
  try {
    const inv = await sides.A.loadInventory(fleet.inventory, { user: 'root' });
    const hosts = [...inv.hosts.values()];
    const round = async (side: 'A' | 'B', pool: unknown) => {
      const before = process.cpuUsage();
      const res = await Promise.all(hosts.map((h) => sides[side].checkHost(pool, h, THRESHOLDS)));
      const used = process.cpuUsage(before);
      const failed = res.filter((r) => r.errorCode && r.errorCode !== 'daemon-down').length;
      if (failed) throw new Error(`${side}: ${failed} hosts failed`);
      return (used.user + used.system) / hosts.length;
    };
    const got = {
      A: { cold: [] as number[], warm: [] as number[] },
      B: { cold: [] as number[], warm: [] as number[] },
    };
    for (let rep = 0; rep < reps; rep++) {
      const order: Array<'A' | 'B'> = rep % 2 ? ['B', 'A'] : ['A', 'B'];
      const pools: Record<string, { close(): Promise<void> }> = {};
      for (const side of order) {
        const pool = new sides[side].SshPool({
          knownHostsPath: fleet.knownHosts,
          connectTimeoutMs: 30_000,
          commandTimeoutMs: 30_000,
          idleMs: 600_000,
          concurrency: 50,
        });
        pools[side] = pool;
        got[side].cold.push(await round(side, pool));
      }
      for (let i = 0; i < pairs; i++)
        for (const side of i % 2 ? [...order].reverse() : order)
          got[side].warm.push(await round(side, pools[side]));
      await Promise.all(Object.values(pools).map((p) => p.close()));
      await sleep(1000);
      log(`rep ${rep + 1}/${reps} done`);
    }
    const ratio = (k: 'cold' | 'warm') => median(got.A[k].map((a, i) => (got.B[k][i] ?? Number.NaN) / a));
    const us = (xs: number[]) => `${Math.round(median(xs))} µs`;
    process.stdout.write(
      [
        `${hosts.length} hosts, ${reps} reps, ${pairs} warm pairs each`,
        `A (${baseRoot}): warm ${us(got.A.warm)} a host, cold ${us(got.A.cold)}`,
        `B (this checkout): warm ${us(got.B.warm)} a host, cold ${us(got.B.cold)}`,
        `B/A, median of rounds run side by side: warm ${ratio('warm').toFixed(3)}, cold ${ratio('cold').toFixed(3)}`,
        '',
      ].join('\n'),
    );
  } finally {
    fleet.child.kill('SIGTERM');
  }
}

const [first, reps, pairs] = process.argv.slice(2);
if (first === 'fleet') void fleetMain();
else if (!first) {
  log('usage: npx tsx bench/pool-cpu-ab.ts BASE_DIR [reps=3] [warm pairs=10]');
  process.exit(2);
} else
  main(first, Number(reps ?? 3), Number(pairs ?? 10)).then(
    () => process.exit(0),
    (err: Error) => {
      log(`bench failed: ${err.stack ?? err.message}`);
      process.exit(1);
    },
  );
