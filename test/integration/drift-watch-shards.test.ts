import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { type Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { type Labops, startLabops } from '../../src/main.js';
import { liveSlots, SlotClaims } from '../../src/queue/slot-claims.js';
import { workerSlotKey } from '../../src/queue/worker-slot-key.js';
import { createTickFlow } from '../../src/watch/tick-flow.js';
import { SHARD_JOB_NAME, type TickPlan } from '../../src/watch/tick-plan.js';
import { shardQueueName, WATCH_QUEUE } from '../../src/watch/watch-queue.js';
import { WatchStore } from '../../src/watch/watch-store.js';
import { ALL_ANSWERING, type Fleet, type FleetHost, startFleet } from '../fleet/index.js';
import { type FakeMessage, type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { until as untilValue } from '../support/until.js';

// The simulated fleet of this file: 1000 hosts on 127.96.x.y (a range of its own), every one answering in sync
// until a test changes what a host's chronyd says (its plan's state, read on every command).
const FLEET_NET = '127.96';
const HOSTS = 1000;
const ALERTS = 'C0SHARDS';
const SLOW_MS = 3000;

const until = <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 120_000) =>
  untilValue(what, probe, ms, 100);

const isTop = (m: FakeMessage) => m.thread_ts === undefined || m.thread_ts === m.ts;
const firstText = (m: FakeMessage) => m.history[0]?.text ?? m.text ?? '';
const GROUP = /^🚨 (\d+) hosts left a good state in the same check/;

describe('the drift watch split into shards, on a fleet of 1000 simulated hosts', () => {
  let fleet: Fleet;
  let fake: FakeSlack;
  let redis: Redis;
  const running: Labops[] = [];
  const children: ChildProcess[] = [];
  const prefixes: string[] = [];

  const env = (prefix: string, extra: Record<string, string> = {}): Record<string, string> => ({
    REDIS_URL: inject('redisUrl'),
    LAB_INVENTORY: fleet.inventoryPath,
    LAB_KNOWN_HOSTS: fleet.knownHostsPath,
    LAB_QUEUE_PREFIX: prefix,
    LAB_SSH_CONNECT_TIMEOUT_MS: '20000',
    LAB_SSH_COMMAND_TIMEOUT_MS: '20000',
    LAB_DRIFT_INTERVAL: '2',
    LAB_DRIFT_CONFIRM: '2',
    // a worker that dies hands its shard on after a few seconds
    LAB_JOB_LOCK_MS: '2000',
    LAB_ALERT_CHANNEL: ALERTS,
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: 'shards-signing-secret',
    SLACK_API_URL: fake.apiUrl,
    // SHARDS_LOG_LEVEL=info shows the workers' logs (and the spawned worker's stderr) when a run needs explaining
    LOG_LEVEL: process.env.SHARDS_LOG_LEVEL ?? 'silent',
    PORT: '0',
    ...extra,
  });
  const startWorker = async (prefix: string, extra: Record<string, string> = {}) => {
    const labops = await startLabops(loadConfig(env(prefix, extra)), 'worker', {
      stdin: new PassThrough(),
      stdout: { write: () => true },
    });
    running.push(labops);
    return labops;
  };
  /** A worker in a process of its own, which a test can kill (`npm run worker`, as deployed). */
  const spawnWorker = (prefix: string, extra: Record<string, string> = {}) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'worker'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env(prefix, extra), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (process.env.SHARDS_LOG_LEVEL) child.stderr?.on('data', (d) => process.stderr.write(`[child] ${d}`));
    children.push(child);
    return child;
  };
  const newPrefix = () => {
    const p = `labops-shards-${randomUUID().slice(0, 8)}`;
    prefixes.push(p);
    return p;
  };
  const counter = async (prefix: string, field: string) =>
    Number((await redis.hget(`${prefix}:drift:counters`, field)) ?? 0);
  const moreChecks = async (prefix: string, n: number) => {
    const from = await counter(prefix, 'checks');
    await until(`${n} more checks`, async () => (await counter(prefix, 'checks')) >= from + n);
  };
  /**
   * Pauses the watch and waits until no check is under way (its lock free): what a test changes on the hosts
   * then falls between two checks, never in the middle of one.
   */
  const betweenChecks = async (prefix: string, change: () => void) => {
    const store = new WatchStore(redis, prefix);
    await store.pause({ by: 'test', at: Date.now() });
    await until('no check under way', async () => (await redis.exists(store.key('lock'))) === 0);
    change();
    await store.resume();
  };
  const setState = (hosts: FleetHost[], state: FleetHost['state']) => {
    for (const h of hosts) h.state = state;
  };
  const historyCounts = async (prefix: string) => {
    const pipe = redis.pipeline();
    for (const h of fleet.hosts) pipe.zcard(`${prefix}:drift:history:${h.name}`);
    return ((await pipe.exec()) ?? []).map(([, n]) => Number(n));
  };
  /**
   * The shard jobs in the given states, wherever they are: on the queues of the worker slots ever claimed under
   * this prefix (where a check's shards go) and on the shared watch queue (where a labops before slots put them).
   */
  const shardJobs = async (prefix: string, states: Parameters<Queue['getJobs']>[0]) => {
    const slots = [...(await new SlotClaims(redis, workerSlotKey(prefix)).read()).keys()];
    const found: Array<{ queue: string; job: Job }> = [];
    for (const name of [WATCH_QUEUE, ...slots.map(shardQueueName)]) {
      const queue = new Queue(name, { connection: redis, prefix });
      try {
        for (const job of await queue.getJobs(states, 0, -1))
          if (job.name === SHARD_JOB_NAME) found.push({ queue: name, job });
      } finally {
        await queue.close();
      }
    }
    return found;
  };
  /** Who holds worker slot n under this prefix ("home <worker>", "adopted <worker>"), or null. */
  const slotValue = (prefix: string, n: number) => redis.get(`${workerSlotKey(prefix)}:${n}`);
  /** Hosts far apart in the inventory's order: with 100 hosts a shard, each in a shard of its own. */
  const spread = (indexes: number[]) => indexes.map((i) => fleet.hosts[i] as FleetHost);

  beforeAll(async () => {
    fleet = await startFleet({
      count: HOSTS,
      dir: join(tmpdir(), 'labops-shards-fleet'),
      net: FLEET_NET,
      mix: ALL_ANSWERING,
      slowMs: SLOW_MS,
    });
    fake = await startFakeSlack();
    redis = new Redis(inject('redisUrl'));
  }, 60_000);

  afterEach(async () => {
    for (const labops of running.splice(0)) await labops.stop().catch(() => undefined);
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    for (const h of fleet.hosts) Object.assign(h, { state: 'sync', behaviour: 'answers' });
    fake.reset();
  }, 60_000);

  afterAll(async () => {
    for (const labops of running) await labops.stop().catch(() => undefined);
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}:*`);
      for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
    }
    await redis?.quit();
    await fake?.close();
    await fleet?.stop();
  });

  it('two workers share each check; every host is checked once a check; hosts in different shards are one group alert, posted once', async () => {
    const prefix = newPrefix();
    const commandsBefore = fleet.counters.commands;
    const connectionsBefore = fleet.counters.connections;
    // both workers hold their slot before the first check (as when they start together), so no shard moves later
    const store = new WatchStore(redis, prefix);
    await store.pause({ by: 'test', at: Date.now() });
    await Promise.all([startWorker(prefix), startWorker(prefix)]);
    expect(await liveSlots(redis, workerSlotKey(prefix))).toEqual([0, 1]);
    await store.resume();
    await moreChecks(prefix, 2);
    expect(fake.messages(ALERTS)).toEqual([]); // every host in sync

    // every host checked exactly once in every check: one status command and one history point per host per check
    await betweenChecks(prefix, () => undefined);
    const checks = await counter(prefix, 'checks');
    expect(fleet.counters.commands - commandsBefore).toBe(HOSTS * checks);
    expect(new Set(await historyCounts(prefix))).toEqual(new Set([checks]));
    expect(await counter(prefix, 'hostChecks')).toBe(HOSTS * checks);

    // each check went out as 10 shards of at most 100 hosts, and both workers took some
    const done = await shardJobs(prefix, ['completed']);
    const shards = done.map((d) => d.job);
    expect(shards.length).toBeGreaterThanOrEqual(10 * checks);
    expect(shards.every((j) => (j.data as { hosts: string[] }).hosts.length <= 100)).toBe(true);
    expect(new Set(shards.map((j) => j.processedBy)).size).toBe(2);
    // each on its worker's slot queue, and the same shard (the same hosts) on the same worker every check
    expect(new Set(done.map((d) => d.queue))).toEqual(new Set([shardQueueName(0), shardQueueName(1)]));
    const workersOf = new Map<string, Set<string | undefined>>();
    for (const j of shards) {
      const index = /-(\d+)$/.exec(j.id ?? '')?.[1] ?? '?';
      workersOf.set(index, (workersOf.get(index) ?? new Set()).add(j.processedBy));
    }
    // (hosts grouped by their worker's slot, then split: 1000 hosts over 2 slots are 10 or 11 shards a check)
    expect(workersOf.size).toBeGreaterThanOrEqual(10);
    expect(workersOf.size).toBeLessThanOrEqual(11);
    for (const [index, workers] of workersOf) expect(workers.size, `shard ${index}`).toBe(1);
    // so the fleet saw about one connection per host, not one per host per worker
    const connections = fleet.counters.connections - connectionsBefore;
    expect(connections).toBeGreaterThanOrEqual(HOSTS);
    expect(connections).toBeLessThanOrEqual(HOSTS + 10);

    // five hosts in five different shards stop being in sync between two checks: one message names them all
    const drifting = spread([3, 250, 501, 777, 998]);
    await betweenChecks(prefix, () => setState(drifting, 'drift'));
    const group = await until('the group alert', () =>
      fake.messages(ALERTS).find((m) => GROUP.test(firstText(m))),
    );
    expect(firstText(group)).toMatch(/^🚨 5 hosts left a good state in the same check/);
    for (const h of drifting) expect(firstText(group)).toContain(h.name);
    // each host's own alert is a reply in the group's thread
    await until('five alerts in the thread', () =>
      drifting.every((h) => fake.thread(ALERTS, group.ts).some((m) => firstText(m).includes(`${h.name}:`))),
    );

    // more checks: nothing posted again
    await moreChecks(prefix, 3);
    expect(fake.messages(ALERTS).filter(isTop)).toHaveLength(1);
    for (const h of drifting)
      expect(
        fake.thread(ALERTS, group.ts).filter((m) => m.ts !== group.ts && firstText(m).includes(`${h.name}:`)),
        h.name,
      ).toHaveLength(1);

    // back in sync: one recovery each in the thread, and the group message crossed out once the last is back
    await betweenChecks(prefix, () => setState(drifting, 'sync'));
    await until('the group resolved', () =>
      /^✅ Resolved .*every host is back in sync/.test(fake.message(ALERTS, group.ts)?.text ?? ''),
    );
    await moreChecks(prefix, 2);
    for (const h of drifting)
      expect(
        fake
          .thread(ALERTS, group.ts)
          .filter((m) => new RegExp(`${h.name} is back in sync`).test(m.text ?? '')),
        h.name,
      ).toHaveLength(1);
    expect(fake.messages(ALERTS).filter(isTop)).toHaveLength(1);
    expect(await counter(prefix, 'announced.alert')).toBe(5);
    expect(await counter(prefix, 'announced.recovery')).toBe(5);
  }, 300_000);

  it('a worker killed in the middle of a shard: its slot is adopted, the shard is handed on, its hosts are checked once, the alert is posted once', async () => {
    const prefix = newPrefix();
    // 4 shards of 250 hosts; one slow host in each, so that every shard is still running a few seconds in
    const extra = { LAB_DRIFT_SHARD_SIZE: '250', LAB_DRIFT_CONFIRM: '1' };
    for (const h of spread([10, 260, 510, 760])) h.behaviour = 'slow';
    const drifting = spread([20, 270, 520, 770]);
    setState(drifting, 'drift');
    // the killed worker's slot claim (and its jobs' locks) outlive it by 10 s, time enough for the two workers
    // below to start while it is still held, as with the default LAB_JOB_LOCK_MS of 30 s: they adopt it, not take it
    const child = spawnWorker(prefix, { ...extra, LAB_JOB_LOCK_MS: '10000' });
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));

    // the first shard under way in the child, which is the only worker (so on its slot, 0): kill it there
    const { job: active, queue: activeQueue } = await until(
      'a shard under way',
      async () => (await shardJobs(prefix, ['active']))[0],
      60_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; the worker said:\n${stderr.slice(-2000)}`);
    });
    expect(activeQueue).toBe(shardQueueName(0));
    const tickAt = (active.data as TickPlan).at;
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    for (const h of spread([10, 260, 510, 760])) h.behaviour = 'answers';

    // two workers take over: slots 1 and 2 are theirs; once the dead one's claim expires, one of them adopts
    // slot 0 (its queue holds the 4 shards), its stalled check hands the shards on, and the check ends
    await startWorker(prefix, extra);
    await startWorker(prefix, extra);
    const homes = [await slotValue(prefix, 1), await slotValue(prefix, 2)];
    expect(
      homes.every((v) => v?.startsWith('home ')),
      String(homes),
    ).toBe(true);
    const workers = homes.map((v) => String(v).slice('home '.length));
    const group = await until('the group alert', () =>
      fake.messages(ALERTS).find((m) => GROUP.test(firstText(m))),
    );
    // (on a failure, a few of the hosts' own alerts say why)
    const why = () => fake.thread(ALERTS, group.ts).slice(1, 4).map(firstText).join('\n');
    expect(firstText(group), why()).toMatch(/^🚨 4 hosts left a good state in the same check/);
    for (const h of drifting) expect(firstText(group)).toContain(h.name);

    // the killed check: every host has exactly one observation of it, the killed shard's hosts included
    const pipe = redis.pipeline();
    for (const h of fleet.hosts) pipe.zcount(`${prefix}:drift:history:${h.name}`, tickAt, tickAt);
    const once = ((await pipe.exec()) ?? []).map(([, n]) => Number(n));
    expect(new Set(once)).toEqual(new Set([1]));
    const queue = new Queue(shardQueueName(0), { connection: redis, prefix });
    try {
      const shard = await queue.getJob(active.id as string);
      expect(shard?.attemptsStarted ?? 0).toBeGreaterThanOrEqual(2); // it was handed on, not lost
      expect(workers).toContain(shard?.processedBy); // by the adopter, on the dead worker's slot queue
    } finally {
      await queue.close();
    }
    // the adopter gives the slot back once its queue is empty; the next checks go to the two live slots only
    await until('slot 0 given back', async () => (await slotValue(prefix, 0)) === null);
    expect(await liveSlots(redis, workerSlotKey(prefix))).toEqual([1, 2]);

    await moreChecks(prefix, 3);
    expect(fake.messages(ALERTS).filter(isTop)).toHaveLength(1);
    for (const h of drifting)
      expect(
        fake.thread(ALERTS, group.ts).filter((m) => m.ts !== group.ts && firstText(m).includes(`${h.name}:`)),
        h.name,
      ).toHaveLength(1);
    expect(await counter(prefix, 'announced.alert')).toBe(4);
    const later = (await shardJobs(prefix, ['completed'])).filter(
      (d) => (d.job.data as TickPlan).at > tickAt,
    );
    // (the killed check may be the first of the three counted: it is counted after its posts)
    expect(later.length).toBeGreaterThanOrEqual(2 * 4);
    expect(new Set(later.map((d) => d.queue))).toEqual(new Set([shardQueueName(1), shardQueueName(2)]));
  }, 300_000);

  it('shards on the shared watch queue, as a labops from before worker slots queued them, are still taken', async () => {
    const prefix = newPrefix();
    const store = new WatchStore(redis, prefix);
    await store.pause({ by: 'test', at: Date.now() });
    await startWorker(prefix);
    expect(await liveSlots(redis, workerSlotKey(prefix))).toEqual([0]);
    await until('no check under way', async () => (await redis.exists(store.key('lock'))) === 0);
    // a check made the old way: the tick's lock taken, its flow with every shard on the watch queue (no slots)
    const tick = `old-labops-${randomUUID().slice(0, 8)}`;
    expect(await store.tryLock(tick, 120_000)).toBe(true);
    const hosts = fleet.hosts.slice(0, 200).map((h) => h.name);
    const plan: TickPlan = { tick, at: Date.now(), hosts, scope: '' };
    const old = createTickFlow(redis, prefix, async () => []);
    try {
      await old.fanOut(plan, 100);
    } finally {
      await old.close();
    }

    // both shards run on the watch queue, every host of them checked once, and the check finishes (lock released)
    await until('the old check finished', async () => (await counter(prefix, 'checks')) >= 1);
    const done = (await shardJobs(prefix, ['completed'])).filter(
      (d) => (d.job.data as TickPlan).tick === tick,
    );
    expect(done.map((d) => d.queue)).toEqual([WATCH_QUEUE, WATCH_QUEUE]);
    const pipe = redis.pipeline();
    for (const h of fleet.hosts.slice(0, 201))
      pipe.zcount(`${prefix}:drift:history:${h.name}`, plan.at, plan.at);
    const points = ((await pipe.exec()) ?? []).map(([, n]) => Number(n));
    expect(new Set(points.slice(0, 200))).toEqual(new Set([1]));
    expect(points[200]).toBe(0); // a host outside the old check's shards
    expect(await redis.exists(store.key('lock'))).toBe(0);
  }, 120_000);
});
