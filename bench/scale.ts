// `npm run bench:scale`: `/lab ntp status all` over 40, 200, 1000 and 5000 simulated hosts (test/fleet, one process,
// 127.64.x.x): warm and cold, end to end from the signed slash command to the final message; CPU, memory, connections,
// descriptors and Slack calls. Bot and worker run as production does (`node dist/cli.js bot|worker`). Writes its
// section of docs/BENCHMARKS.md. Starts and stops everything it uses. BENCH_SIZES=40,200 picks sizes;
// BENCH_CPU_PROF=DIR writes a CPU profile of the worker (node --cpu-prof) for each size; BENCH_FLEET_NET=127.128 moves
// the fleet off 127.64; BENCH_SSH_CONCURRENCY=N sets the worker's LAB_SSH_CONCURRENCY. BENCH_WORKERS=1,2 measures each
// size with 1 worker process, then with 2 (a run shared by them: LAB_NTP_SHARD_ABOVE), side by side; `1-unshared` is one
// worker with sharing off (LAB_NTP_SHARD_ABOVE=0, the check as before sharing). With BENCH_WORKERS the bench writes its
// own section (scale-workers) of docs/BENCHMARKS.md and leaves the one-worker section as it is.
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { readFdLimit } from '../src/ssh/fd-limit.js';
import { ensureFdLimit } from '../test/fleet/fd-limit.js';
import { startFleet } from '../test/fleet/index.js';
import { ensureRedis, freePort } from '../test/lab/redis.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { buildDist, runBench } from './bench-main.js';
import { describeMachine } from './machine.js';
import { deletePrefix } from './redis-cleanup.js';
import { writeReportSection } from './report-file.js';
import { renderScaleReport, type SizeResult } from './scale-report.js';
import { type RoleProcess, startRole, waitOk } from './scale-roles.js';
import { ntpStatusAll, type ScaleRun } from './scale-run.js';
import { renderWorkersReport, type WorkerSetup, workerSetups } from './scale-workers-report.js';

/** The fleet's first two octets: BENCH_FLEET_NET=127.128 puts it on 127.128.x.x (default 127.64). */
const FLEET_NET = process.env.BENCH_FLEET_NET ?? '127.64';
const SIZES = (process.env.BENCH_SIZES ?? '40,200,1000,5000').split(',').map(Number);
// BENCH_COLD_REPS=N: cold runs per size (default 2, 1 at 5000)
const COLD_REPS = Number(process.env.BENCH_COLD_REPS ?? 0);
const REPS = { warm: 5, cold: (n: number) => COLD_REPS || (n >= 5000 ? 1 : 2) };
/** BENCH_WORKERS=1,2,1-unshared: worker processes per measurement; unset: one worker, as before. */
const SETUPS: WorkerSetup[] | undefined = process.env.BENCH_WORKERS
  ? workerSetups(process.env.BENCH_WORKERS)
  : undefined;
const SECRET = 'bench-scale-signing-secret';
const REPORT = 'docs/BENCHMARKS.md';
const DIR = resolve('.lab/bench-scale');
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every host answers at once (no slow, refused or wrong-key host): the run measures labops, not time-outs. */
const BENCH_MIX = {
  states: { sync: 85, drift: 7, unsync: 4, 'daemon-down': 4 },
  behaviours: { answers: 100, slow: 0, refused: 0, 'wrong-key': 0 },
};

const closers: Array<() => Promise<unknown>> = [];
async function cleanUp(): Promise<void> {
  for (const close of closers.splice(0).reverse())
    await close().catch((err: Error) => log(`clean-up: ${err.message}`));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** Several worker processes measured as one: CPU, memory and descriptors summed. */
function workerGroup(members: RoleProcess[]): Pick<RoleProcess, 'cpuMs' | 'rssKiB' | 'hwmKiB' | 'fds'> & {
  stop(): Promise<void>;
} {
  const sum = (f: (w: RoleProcess) => number) => () => members.reduce((n, w) => n + f(w), 0);
  return {
    cpuMs: sum((w) => w.cpuMs()),
    rssKiB: sum((w) => w.rssKiB()),
    hwmKiB: sum((w) => w.hwmKiB()),
    fds: sum((w) => w.fds()),
    stop: async () => {
      await Promise.all(members.map((w) => w.stop()));
    },
  };
}

async function measureSize(
  n: number,
  shared: { redisUrl: string; prefix: string; fake: Awaited<ReturnType<typeof startFakeSlack>> },
  setup: WorkerSetup = { workers: 1, shared: true },
): Promise<SizeResult> {
  const tag = `${n}-${setup.workers}${setup.shared ? '' : 'u'}`;
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const fleet = await startFleet({ count: n, dir: `${DIR}/fleet-${tag}`, net: FLEET_NET, mix: BENCH_MIX });
  const stopFleet = () => fleet.stop();
  closers.push(stopFleet);
  const port = await freePort();
  const workerPorts = await Promise.all(Array.from({ length: setup.workers }, () => freePort()));
  const env = {
    REDIS_URL: shared.redisUrl,
    LAB_INVENTORY: fleet.inventoryPath,
    LAB_KNOWN_HOSTS: fleet.knownHostsPath,
    LAB_QUEUE_PREFIX: `${shared.prefix}-${tag}`,
    SLACK_BOT_TOKEN: shared.fake.botToken,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: shared.fake.apiUrl,
    LAB_HTTP_HOST: '127.0.0.1',
    LAB_SSH_CONNECT_TIMEOUT_MS: '30000',
    // the worker's fan-out (default 50, as in production); BENCH_SSH_CONCURRENCY=200 tries another
    ...(process.env.BENCH_SSH_CONCURRENCY && { LAB_SSH_CONCURRENCY: process.env.BENCH_SSH_CONCURRENCY }),
    ...(!setup.shared && { LAB_NTP_SHARD_ABOVE: '0' }),
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
  };
  const prof = process.env.BENCH_CPU_PROF;
  const bot = startRole('bot', { ...env, PORT: String(port) }, `${DIR}/bot-${tag}.log`);
  closers.push(() => bot.stop());
  await waitOk(`http://127.0.0.1:${port}/healthz`, bot.child, 'bot');
  const eventsUrl = `http://127.0.0.1:${port}/slack/events`;
  const startOne = async (i: number, profile: boolean) => {
    const w = startRole(
      'worker',
      { ...env, LAB_WORKER_PORT: String(workerPorts[i]) },
      `${DIR}/worker-${tag}-${i}.log`,
      profile && prof
        ? ['--cpu-prof', '--cpu-prof-dir', resolve(prof), '--cpu-prof-name', `worker-${tag}-${i}.cpuprofile`]
        : [],
    );
    await waitOk(`http://127.0.0.1:${workerPorts[i]}/readyz`, w.child, 'worker');
    return w;
  };
  const startWorker = async (profile: boolean) => {
    const members = await Promise.all(workerPorts.map((_, i) => startOne(i, profile)));
    await sleep(2000); // settled: Redis connected, the first health checks answered
    return workerGroup(members);
  };
  const ctx = (worker: Awaited<ReturnType<typeof startWorker>>) => ({
    fake: shared.fake,
    eventsUrl,
    secret: SECRET,
    bot,
    worker,
  });

  const cold: ScaleRun[] = [];
  let worker = await startWorker(false);
  for (let i = 0; i < REPS.cold(n); i++) {
    if (i > 0) {
      await worker.stop();
      await sleep(1000);
      worker = await startWorker(false);
    }
    // cold: a worker that has not connected to any host yet
    const run = await ntpStatusAll(ctx(worker), { hosts: n });
    cold.push(run);
    log(
      `  ${tag} cold ${i + 1}: ${run.ms} ms, worker CPU ${run.workerCpuMs} ms, ${run.slackCalls} Slack calls`,
    );
  }
  // the memory of the worker before its pool fills, then with every host pooled
  await worker.stop();
  await sleep(1000);
  worker = await startWorker(true);
  closers.push(() => worker.stop());
  const idle = { rssKiB: worker.rssKiB(), fds: worker.fds() };
  const first = await ntpStatusAll(ctx(worker), { hosts: n });
  log(`  ${tag} cold (profiled worker): ${first.ms} ms`);
  const warm: ScaleRun[] = [];
  for (let i = 0; i < REPS.warm; i++) {
    const run = await ntpStatusAll(ctx(worker), { hosts: n });
    warm.push(run);
    log(
      `  ${tag} warm ${i + 1}: ${run.ms} ms, worker CPU ${run.workerCpuMs} ms, ${run.slackCalls} Slack calls`,
    );
  }
  await sleep(2000);
  const pooled = {
    rssKiB: worker.rssKiB(),
    hwmKiB: worker.hwmKiB(),
    fds: worker.fds(),
    connections: fleet.openConnections(),
    botRssKiB: bot.rssKiB(),
  };
  await worker.stop();
  await bot.stop();
  await stopFleet();
  closers.splice(closers.indexOf(stopFleet));
  await deletePrefix(shared.redisUrl, `${shared.prefix}-${tag}`);
  return {
    hosts: n,
    workers: setup.workers,
    shared: setup.shared,
    load: { before: loadBefore, after: loadavg()[0] ?? Number.NaN },
    cold,
    warm,
    idle,
    pooled,
    medians: {
      coldMs: median(cold.map((r) => r.ms)),
      warmMs: median(warm.map((r) => r.ms)),
      warmCpuPerHostMs: median(warm.map((r) => r.workerCpuMs)) / n,
      coldCpuPerHostMs: median(cold.map((r) => r.workerCpuMs)) / n,
    },
  };
}

async function main(): Promise<void> {
  const began = Date.now();
  buildDist(log);
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const biggest = Math.max(...SIZES);
  const fdsHere = ensureFdLimit(2 * biggest + 500);
  if (fdsHere.warning) log(`bench: ${fdsHere.warning}`);
  const machine = await describeMachine();
  const loadBefore = loadavg();
  const redis = await ensureRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  closers.push(() => redis.stop());
  const prefix = `labops-scale-${randomUUID().slice(0, 8)}`;
  const fake = await startFakeSlack();
  closers.push(() => fake.close());
  const results: SizeResult[] = [];
  for (const n of SIZES)
    for (const setup of SETUPS ?? [undefined]) {
      log(`${n} hosts${setup ? `, ${setup.workers} worker(s)${setup.shared ? '' : ', not shared'}` : ''}:`);
      results.push(await measureSize(n, { redisUrl: redis.url, prefix, fake }, setup));
    }
  const input = {
    date: new Date(),
    machine,
    load: { before: loadBefore, after: loadavg() },
    fdLimit: readFdLimit()?.soft ?? Number.NaN,
    results,
    reps: { warm: REPS.warm },
    seconds: (Date.now() - began) / 1000,
    fleetNet: FLEET_NET,
  };
  if (SETUPS) writeReportSection(REPORT, renderWorkersReport(input), 'scale-workers');
  else writeReportSection(REPORT, renderScaleReport(input), 'scale');
  writeFileSync(`${DIR}/results.json`, JSON.stringify({ machine, results }, null, 2));
  log(`wrote ${REPORT} in ${((Date.now() - began) / 1000).toFixed(0)} s`);
}

runBench(main, cleanUp, log);
