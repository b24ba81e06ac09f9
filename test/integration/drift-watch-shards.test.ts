import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { type Labops, startLabops } from '../../src/main.js';
import { SHARD_JOB_NAME } from '../../src/watch/tick-plan.js';
import { WATCH_QUEUE } from '../../src/watch/watch-queue.js';
import { WatchStore } from '../../src/watch/watch-store.js';
import { ALL_ANSWERING, type Fleet, type FleetHost, startFleet } from '../fleet/index.js';
import { type FakeMessage, type FakeSlack, startFakeSlack } from '../support/fake-slack.js';

// The simulated fleet of this file: 1000 hosts on 127.96.x.y (a range of its own), every one answering in sync
// until a test changes what a host's chronyd says (its plan's state, read on every command).
const FLEET_NET = '127.96';
const HOSTS = 1000;
const ALERTS = 'C0SHARDS';
const SLOW_MS = 3000;

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 120_000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

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
    LOG_LEVEL: 'silent',
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
    await startWorker(prefix);
    await startWorker(prefix);
    await moreChecks(prefix, 2);
    expect(fake.messages(ALERTS)).toEqual([]); // every host in sync

    // every host checked exactly once in every check: one status command and one history point per host per check
    await betweenChecks(prefix, () => undefined);
    const checks = await counter(prefix, 'checks');
    expect(fleet.counters.commands - commandsBefore).toBe(HOSTS * checks);
    expect(new Set(await historyCounts(prefix))).toEqual(new Set([checks]));
    expect(await counter(prefix, 'hostChecks')).toBe(HOSTS * checks);

    // each check went out as 10 shards of at most 100 hosts, and both workers took some
    const queue = new Queue(WATCH_QUEUE, { connection: redis, prefix });
    try {
      const shards = (await queue.getJobs(['completed'], 0, -1)).filter((j) => j.name === SHARD_JOB_NAME);
      expect(shards.length).toBeGreaterThanOrEqual(10 * checks);
      expect(shards.every((j) => (j.data as { hosts: string[] }).hosts.length <= 100)).toBe(true);
      expect(new Set(shards.map((j) => j.processedBy)).size).toBe(2);
    } finally {
      await queue.close();
    }

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

  it('a worker killed in the middle of a shard: the shard is handed on, its hosts are checked once, the alert is posted once', async () => {
    const prefix = newPrefix();
    // 4 shards of 250 hosts; one slow host in each, so that every shard is still running a few seconds in
    const extra = { LAB_DRIFT_SHARD_SIZE: '250', LAB_DRIFT_CONFIRM: '1' };
    for (const h of spread([10, 260, 510, 760])) h.behaviour = 'slow';
    const drifting = spread([20, 270, 520, 770]);
    setState(drifting, 'drift');
    const child = spawnWorker(prefix, extra);
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));

    // the first shard under way in the child, which is the only worker: kill it there
    const queue = new Queue(WATCH_QUEUE, { connection: redis, prefix });
    try {
      const active = await until(
        'a shard under way',
        async () => (await queue.getJobs(['active'])).find((j) => j.name === SHARD_JOB_NAME),
        60_000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}; the worker said:\n${stderr.slice(-2000)}`);
      });
      const tickAt = (active.data as { at: number }).at;
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      for (const h of spread([10, 260, 510, 760])) h.behaviour = 'answers';

      // two workers take over: the killed shard comes back after its lock expires, and the check ends
      await startWorker(prefix, extra);
      await startWorker(prefix, extra);
      const group = await until('the group alert', () =>
        fake.messages(ALERTS).find((m) => GROUP.test(firstText(m))),
      );
      expect(firstText(group)).toMatch(/^🚨 4 hosts left a good state in the same check/);
      for (const h of drifting) expect(firstText(group)).toContain(h.name);

      // the killed check: every host has exactly one observation of it, the killed shard's hosts included
      const pipe = redis.pipeline();
      for (const h of fleet.hosts) pipe.zcount(`${prefix}:drift:history:${h.name}`, tickAt, tickAt);
      const once = ((await pipe.exec()) ?? []).map(([, n]) => Number(n));
      expect(new Set(once)).toEqual(new Set([1]));
      const shard = await queue.getJob(active.id as string);
      expect(shard?.attemptsStarted ?? 0).toBeGreaterThanOrEqual(2); // it was handed on, not lost

      await moreChecks(prefix, 3);
      expect(fake.messages(ALERTS).filter(isTop)).toHaveLength(1);
      for (const h of drifting)
        expect(
          fake
            .thread(ALERTS, group.ts)
            .filter((m) => m.ts !== group.ts && firstText(m).includes(`${h.name}:`)),
          h.name,
        ).toHaveLength(1);
      expect(await counter(prefix, 'announced.alert')).toBe(4);
    } finally {
      await queue.close();
    }
  }, 300_000);
});
