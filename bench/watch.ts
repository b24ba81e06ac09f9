// `npm run bench:watch`: the clock-drift watch at 1000 hosts. Two worker processes share each check (shards of
// LAB_DRIFT_SHARD_SIZE) of a simulated fleet in a process of its own (test/fleet, `npm run fleet`); measures each
// check's wall time and the workers' and Redis' CPU, then the Redis memory of a host's offset history, and writes
// its section of docs/BENCHMARKS.md. Starts and stops everything it uses (a private Redis, the fleet, the workers).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { FINISH_JOB_NAME, SHARD_JOB_NAME, TickPlan } from '../src/watch/tick-plan.js';
import { WATCH_QUEUE } from '../src/watch/watch-queue.js';
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
const TICKS = 7; // the first (cold: every connection opened), the second (the alerts posted), then warm ones
const FLEET_NET = '127.97';
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

async function startFleetProcess(
  dir: string,
): Promise<{ child: ChildProcess; inventory: string; knownHosts: string }> {
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
      return { child, inventory, knownHosts };
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

async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (k: string) => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1000;
}

async function main(): Promise<void> {
  const began = Date.now();
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
    const workers = Array.from({ length: WORKERS }, () => node(['src/cli.ts', 'worker'], env));
    children.push(...workers);
    const pids = workers.map((w) => w.pid as number);
    const cpu = () => pids.reduce((sum, pid) => sum + ownCpuMs(pid), 0);
    const checks = async () => Number((await redis.hget(`${PREFIX}:drift:counters`, 'checks')) ?? 0);

    // one sample a finished check: the workers' and Redis' CPU since the one before
    const samples: { cpuMs: number; redisCpuMs: number }[] = [];
    let [lastCpu, lastRedis, seen] = [cpu(), await redisCpuMs(redis), 0];
    const end = Date.now() + (TICKS + 3) * INTERVAL_S * 1000 + 120_000;
    while (seen < TICKS) {
      if (Date.now() > end) throw new Error(`bench: only ${seen} of ${TICKS} checks finished in time`);
      for (const w of workers)
        if (w.exitCode !== null) throw new Error(`bench: a worker exited ${w.exitCode}`);
      await sleep(50);
      const n = await checks();
      if (n === seen) continue;
      const [nowCpu, nowRedis] = [cpu(), await redisCpuMs(redis)];
      samples.push({ cpuMs: nowCpu - lastCpu, redisCpuMs: nowRedis - lastRedis });
      [lastCpu, lastRedis, seen] = [nowCpu, nowRedis, n];
      log(`check ${n}: workers ${Math.round(samples.at(-1)?.cpuMs ?? 0)} ms CPU`);
    }
    const ticks = await tickTimes(redis);
    const rows: TickSample[] = samples.map((s, i) => ({
      ...s,
      ...(ticks[i] ?? { wallMs: 0, workers: 0, shards: 0 }),
    }));
    const announced = await redis.hgetall(`${PREFIX}:drift:counters`);
    for (const c of [...children].reverse()) await stopChild(c);
    children.length = 0;

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
      history,
      totalS: (Date.now() - began) / 1000,
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

/** Each finished check from its BullMQ jobs: start to the end of its finishing step, and who ran its shards. */
async function tickTimes(redis: Redis): Promise<{ wallMs: number; workers: number; shards: number }[]> {
  const queue = new Queue(WATCH_QUEUE, { connection: redis, prefix: PREFIX });
  try {
    const jobs = await queue.getJobs(['completed'], 0, -1);
    const shardsOf = new Map<string, Set<string | undefined>>();
    const count = new Map<string, number>();
    for (const j of jobs.filter((j) => j.name === SHARD_JOB_NAME)) {
      const tick = TickPlan.parse(j.data).tick;
      shardsOf.set(tick, (shardsOf.get(tick) ?? new Set()).add(j.processedBy));
      count.set(tick, (count.get(tick) ?? 0) + 1);
    }
    return jobs
      .filter((j) => j.name === FINISH_JOB_NAME)
      .map((j) => ({ plan: TickPlan.parse(j.data), finishedOn: j.finishedOn ?? 0 }))
      .sort((a, b) => a.plan.at - b.plan.at)
      .map(({ plan, finishedOn }) => ({
        wallMs: finishedOn - plan.at,
        workers: shardsOf.get(plan.tick)?.size ?? 0,
        shards: count.get(plan.tick) ?? 0,
      }));
  } finally {
    await queue.close();
  }
}

main().catch((err: Error) => {
  log(`bench:watch failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
