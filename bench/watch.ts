// `npm run bench:watch`: the clock-drift watch at 1000 hosts. Two worker processes share each check (shards of
// LAB_DRIFT_SHARD_SIZE) of a simulated fleet in a process of its own (test/fleet, `npm run fleet`); measures each
// check's wall time and the workers' and Redis' CPU, then the Redis memory of a host's offset history, and writes
// its section of docs/BENCHMARKS.md. Starts and stops everything it uses (a private Redis, the fleet, the workers).
// BENCH_FLEET_NET=127.100 puts the fleet on 127.100.x.x (default 127.97).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { liveSlots, SlotClaims } from '../src/queue/slot-claims.js';
import { workerSlotKey } from '../src/queue/worker-slot-key.js';
import { FINISH_JOB_NAME, SHARD_JOB_NAME, TickPlan } from '../src/watch/tick-plan.js';
import { shardQueueName, WATCH_QUEUE } from '../src/watch/watch-queue.js';
import { WatchStore } from '../src/watch/watch-store.js';
import { freePort, startRedisServer } from '../test/lab/redis.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { ownCpuMs } from './cpu.js';
import { describeMachine } from './machine.js';
import { writeReportSection } from './report-file.js';
import { measureHistory } from './watch-history.js';
import { renderWatchSection, type TickSample } from './watch-report.js';

const HOSTS = Number(process.env.BENCH_WATCH_HOSTS ?? 1000);
const WORKERS = 2;
const SHARD_SIZE = 100;
const INTERVAL_S = 10;
// the first (cold: every connection opened), the second (the alerts posted), then warm ones
const TICKS = 12;
/** The fleet's first two octets (BENCH_FLEET_NET). */
const FLEET_NET = process.env.BENCH_FLEET_NET ?? '127.97';
const PREFIX = 'labops-bench-watch';
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A node process running a TypeScript entry point (tsx as a loader: the pid is the process itself). */
function node(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

interface FleetProcess {
  child: ChildProcess;
  inventory: string;
  knownHosts: string;
  /** Everything it printed (on SIGTERM: the commands it served, on how many connections). */
  output(): string;
}

async function startFleetProcess(dir: string): Promise<FleetProcess> {
  const child = node(['test/fleet/cli.ts', 'up', String(HOSTS), '--net', FLEET_NET, '--dir', dir], {});
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  for (const end = Date.now() + 120_000; Date.now() < end; await sleep(100)) {
    if (out.includes('Ctrl-C stops the fleet.')) {
      const inventory = /^inventory:\s+(\S+)/m.exec(out)?.[1];
      const knownHosts = /^known_hosts:\s+(\S+)/m.exec(out)?.[1];
      if (!inventory || !knownHosts)
        throw new Error(`bench: the fleet did not say where its files are:\n${out}`);
      log(out.split('\n')[0] ?? '');
      return { child, inventory, knownHosts, output: () => out };
    }
    if (child.exitCode !== null) throw new Error(`bench: the fleet exited ${child.exitCode}:\n${out}`);
  }
  throw new Error(`bench: the fleet did not start within 120 s:\n${out}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** The sockets a process holds open: its pooled SSH connections plus a few Redis ones. */
function socketsOf(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:');
      } catch {
        return false; // closed meanwhile
      }
    }).length;
  } catch {
    return Number.NaN;
  }
}

async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (k: string) => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1000;
}

async function main(): Promise<void> {
  const began = Date.now();
  const loadBefore = loadavg()[0] ?? 0;
  const redisServer = await startRedisServer(await freePort());
  const redis = new Redis(redisServer.url);
  const fake = await startFakeSlack();
  const dir = mkdtempSync(join(tmpdir(), 'labops-bench-watch-'));
  const children: ChildProcess[] = [];
  try {
    const fleet = await startFleetProcess(join(dir, 'fleet'));
    children.push(fleet.child);
    const env = {
      REDIS_URL: redisServer.url,
      LAB_INVENTORY: fleet.inventory,
      LAB_KNOWN_HOSTS: fleet.knownHosts,
      LAB_QUEUE_PREFIX: PREFIX,
      LAB_DRIFT_INTERVAL: String(INTERVAL_S),
      LAB_DRIFT_SHARD_SIZE: String(SHARD_SIZE),
      LAB_ALERT_CHANNEL: 'C0BENCH',
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: 'bench-signing-secret',
      SLACK_API_URL: fake.apiUrl,
      LOG_LEVEL: 'warn',
    };
    // the workers start together: the watch waits until each holds its slot, so the first check's shards are
    // where they will stay (a worker that joins later moves the shards rendezvous hashing gives it)
    const store = new WatchStore(redis, PREFIX);
    await store.pause({ by: 'bench', at: Date.now() });
    const workers = Array.from({ length: WORKERS }, () => node(['src/cli.ts', 'worker'], env));
    children.push(...workers);
    for (
      const end = Date.now() + 120_000;
      (await liveSlots(redis, workerSlotKey(PREFIX))).length < WORKERS;
    ) {
      if (Date.now() > end)
        throw new Error(`bench: ${WORKERS} workers did not claim their slots within 120 s`);
      for (const w of workers)
        if (w.exitCode !== null) throw new Error(`bench: a worker exited ${w.exitCode}`);
      await sleep(100);
    }
    await store.resume();
    const pids = workers.map((w) => w.pid as number);
    const cpu = () => pids.reduce((sum, pid) => sum + ownCpuMs(pid), 0);
    const checks = async () => Number((await redis.hget(`${PREFIX}:drift:counters`, 'checks')) ?? 0);

    // one sample a finished check: the workers' and Redis' CPU since the one before
    const queue = new Queue(WATCH_QUEUE, { connection: redis, prefix: PREFIX });
    const slotQueues = await Promise.all(
      [...(await new SlotClaims(redis, workerSlotKey(PREFIX)).read()).keys()].map(
        (slot) => new Queue(shardQueueName(slot), { connection: redis, prefix: PREFIX }),
      ),
    );
    const rows: TickSample[] = [];
    let [lastCpu, lastRedis, seen, lastAt] = [cpu(), await redisCpuMs(redis), 0, 0];
    const end = Date.now() + (TICKS + 3) * INTERVAL_S * 1000 + 120_000;
    while (seen < TICKS) {
      if (Date.now() > end) throw new Error(`bench: only ${seen} of ${TICKS} checks finished in time`);
      for (const w of workers)
        if (w.exitCode !== null) throw new Error(`bench: a worker exited ${w.exitCode}`);
      await sleep(50);
      const n = await checks();
      if (n === seen) continue;
      const [nowCpu, nowRedis] = [cpu(), await redisCpuMs(redis)];
      const tick = await lastTick(queue, slotQueues, lastAt);
      rows.push({ ...tick, cpuMs: nowCpu - lastCpu, redisCpuMs: nowRedis - lastRedis });
      [lastCpu, lastRedis, seen, lastAt] = [nowCpu, nowRedis, n, tick.at];
      log(
        `check ${n}: ${tick.wallMs} ms, ${tick.shards} shards; workers ${Math.round(rows.at(-1)?.cpuMs ?? 0)} ms CPU`,
      );
    }
    await queue.close();
    for (const q of slotQueues) await q.close();
    const workerSockets = pids.map(socketsOf);
    const announced = await redis.hgetall(`${PREFIX}:drift:counters`);
    for (const c of [...children].reverse()) await stopChild(c);
    children.length = 0;
    const served = /served (\d+) commands on (\d+) connections/.exec(fleet.output());
    if (!served)
      throw new Error(`bench: the fleet did not say what it served:\n${fleet.output().slice(-1000)}`);

    log('history: 7 days of checks for 10 hosts…');
    const history = await measureHistory(redis, `${PREFIX}-history`);
    const body = renderWatchSection({
      date: new Date().toISOString().slice(0, 16).replace('T', ' '),
      machine: await describeMachine(),
      hosts: HOSTS,
      workers: WORKERS,
      shardSize: SHARD_SIZE,
      intervalSeconds: INTERVAL_S,
      ticks: rows,
      alerts: Number(announced['announced.alert'] ?? 0),
      slackCalls: fake.calls.length,
      fleet: { commands: Number(served[1]), connections: Number(served[2]) },
      workerSockets,
      history,
      totalS: (Date.now() - began) / 1000,
      load: [loadBefore, loadavg()[0] ?? 0],
    });
    writeReportSection('docs/BENCHMARKS.md', body, 'drift-watch-scale');
    log(body);
  } finally {
    for (const c of children.reverse()) await stopChild(c);
    await redis.quit();
    await redisServer.stop();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface TickJobs {
  at: number;
  wallMs: number;
  workers: number;
  shards: number;
}

/**
 * The check that finished last, from its BullMQ jobs: start to the end of its finishing step, its shards (on the
 * worker slots' queues, or the watch queue) and who ran them. Read as soon as it finishes: the watch queue keeps
 * only the last 100 or so completed jobs.
 */
async function lastTick(queue: Queue, slotQueues: Queue[], after: number): Promise<TickJobs> {
  for (const end = Date.now() + 30_000; Date.now() < end; await sleep(50)) {
    const jobs = await queue.getJobs(['completed'], 0, 99);
    const finish = jobs
      .filter((j) => j.name === FINISH_JOB_NAME)
      .map((j) => ({ plan: TickPlan.parse(j.data), finishedOn: j.finishedOn ?? 0 }))
      .filter((f) => f.plan.at > after)
      .sort((a, b) => b.plan.at - a.plan.at)[0];
    if (!finish) continue;
    for (const q of slotQueues) jobs.push(...(await q.getJobs(['completed'], 0, 99)));
    const shards = jobs.filter(
      (j) => j.name === SHARD_JOB_NAME && TickPlan.parse(j.data).tick === finish.plan.tick,
    );
    return {
      at: finish.plan.at,
      wallMs: finish.finishedOn - finish.plan.at,
      workers: new Set(shards.map((j) => j.processedBy)).size,
      shards: shards.length,
    };
  }
  throw new Error('bench: a check was counted but its finishing job is not among the completed ones');
}

main().catch((err: Error) => {
  log(`bench:watch failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
