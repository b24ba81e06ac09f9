// What the tests of a shared `/lab ntp status` (several `labops worker` processes on a simulated fleet) have in
// common: the worker processes, a view of a run's shard queues and worker slots, and what labops must answer for a
// fleet host. Used by test/integration/ntp-status-shards*.test.ts.
import type { ChildProcess } from 'node:child_process';
import { type Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { NTP_SHARD_JOB_NAME, NTP_SHARDS_QUEUE, shardQueueFor } from '../../src/ntp-shards/shard-job.js';
import { JOBS_QUEUE } from '../../src/queue/jobs-queue.js';
import { liveSlots, SlotClaims } from '../../src/queue/slot-claims.js';
import { workerSlotKey } from '../../src/queue/worker-slot-key.js';
import { type Fleet, type FleetHost, type FleetMix, type FleetOptions, startFleet } from '../fleet/index.js';
import { type SlackLabops, spawnWorker, startSlackLabops } from '../integration/start-labops.js';
import type { FakeSlack, RecordedCall } from './fake-slack.js';
import { until as untilValue } from './until.js';

/** Waits for what a shared run does (polled every 50 ms, 2 min unless said). */
export const until = <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 120_000) =>
  untilValue(what, probe, ms, 50);

/** The shard tests' fleet: most hosts answer, a few refuse or show a wrong key, and their states vary. */
export const SHARD_TEST_MIX: FleetMix = {
  states: { sync: 85, drift: 7, unsync: 4, 'daemon-down': 4 },
  behaviours: { answers: 95, slow: 0, refused: 3, 'wrong-key': 2 },
};

/** What labops must say of a host, from the fleet's plan of it (as the CSV's state column words it). */
export function expectedState(h: FleetHost): string {
  if (h.behaviour === 'refused' || h.behaviour === 'wrong-key' || h.state === 'daemon-down') return 'error';
  return { sync: 'in sync', drift: 'drifting (critical)', unsync: 'not synchronised' }[h.state];
}

/** The first line of a large check's summary for these hosts, from the fleet's plan. */
export function expectedCounts(hosts: readonly FleetHost[], label = 'all hosts'): string {
  const count = (state: string) => hosts.filter((h) => expectedState(h) === state).length;
  return `NTP status of ${label}: ${count('in sync')} in sync, ${count('drifting (critical)')} drifting, ${count('not synchronised')} not synchronised, ${count('error')} errors`;
}

/** The large check's summary (the message's last update), in `channel` if given. */
export const isSummary = (channel?: string) => (c: RecordedCall) =>
  c.method === 'chat.update' &&
  /^NTP status of all hosts:/.test(String(c.args.text)) &&
  (channel === undefined || c.args.channel === channel);

/** The rows of the CSV attached in `channel` (the only one if not said): host and state of each. */
export function csvRows(slack: FakeSlack, channel?: string) {
  const file = slack.files().find((f) => channel === undefined || f.channel === channel);
  const rows = (file?.content?.toString('utf8') ?? '').trimEnd().split('\r\n').slice(1);
  return rows.map((r) => ({ host: r.split(',')[0] ?? '', state: r.split(',')[1] ?? '', row: r }));
}

export const snapshot = (m: Map<string, number>) => new Map(m);
export const delta = (now: Map<string, number>, before: Map<string, number>, host: string) =>
  (now.get(host) ?? 0) - (before.get(host) ?? 0);

/** A job's worker process id, from its processedBy (`<host>:<pid>:…`). */
export const pidOf = (j: Job) => j.processedBy?.split(':')[1];
export const hostsOf = (j: Job) => (j.data as { hosts: string[] }).hosts;

/**
 * The shard queues and worker slots of one lab (`labPrefix`: its key prefix, the queue prefix itself without
 * LAB_POLICY): the shared queue under `prefix`, each slot's `ntp-shards-<n>` under the lab's prefix.
 */
export function shardView(redis: Redis, prefix: string, labPrefix = prefix) {
  const shared = new Queue(NTP_SHARDS_QUEUE, { connection: redis, prefix });
  const slotQueues = new Map<string, Queue>();
  const queueNamed = (name: string) => {
    let q = slotQueues.get(name);
    if (!q) {
      q = new Queue(name, { connection: redis, prefix: labPrefix });
      slotQueues.set(name, q);
    }
    return q;
  };
  const slotKey = workerSlotKey(labPrefix);
  /** The shared queue and the queues of every worker slot ever claimed. */
  const all = async () => {
    const slots = [...(await new SlotClaims(redis, slotKey).read()).keys()];
    return [shared, ...slots.map((n) => queueNamed(shardQueueFor(n)))];
  };
  return {
    shared,
    queueNamed,
    all,
    /** The worker slots live now (one per worker process): where a run's shards go, one a slot. */
    live: () => liveSlots(redis, slotKey),
    /** Every slot ever claimed. */
    known: async () => [...(await new SlotClaims(redis, slotKey).read()).keys()],
    /** The shard jobs of a run (its `ntp.status` job id) in these states, on any of the lab's shard queues. */
    async shardsOf(jobId: string, states: ('active' | 'completed' | 'failed' | 'waiting')[]) {
      return (await Promise.all((await all()).map((q) => q.getJobs(states, 0, -1))))
        .flat()
        .filter((j) => j.name === NTP_SHARD_JOB_NAME && String(j.id).startsWith(`${jobId}-s`));
    },
    /** A shard job by id, on whichever shard queue it is. */
    async shardJob(id: string) {
      for (const q of await all()) {
        const job = await q.getJob(id);
        if (job) return job;
      }
      return undefined;
    },
    async close() {
      for (const q of [shared, ...slotQueues.values()]) {
        await q.obliterate({ force: true }).catch(() => undefined);
        await q.close();
      }
    },
  };
}
export type ShardView = ReturnType<typeof shardView>;

export interface WorkerProcess {
  proc: ChildProcess;
  output(): string;
}

/**
 * `labops worker` processes as deployed, on `env` (the Slack variables, the inventory or policy, the queue prefix,
 * timeouts). start() resolves once `ready` says every process takes jobs and shards; stop() kills them (SIGKILL)
 * and waits until `idle` says their slot claims are gone, so the next test's run goes to its own workers.
 */
export function workerProcesses(o: {
  env: () => Record<string, string>;
  ready(count: number): Promise<boolean>;
  idle(): Promise<boolean>;
}) {
  const list: WorkerProcess[] = [];
  const said = () => list.map((w) => w.output().slice(-1500)).join('\n---\n');
  return {
    list,
    said,
    pids: () => list.map((w) => String(w.proc.pid)),
    byPid: (pid: string | undefined) => list.find((w) => String(w.proc.pid) === pid),
    async start(count = 2, extra: Record<string, string> = {}) {
      for (let i = 0; i < count; i++) list.push(spawnWorker({ ...o.env(), ...extra }));
      await until(
        `${count} workers listening`,
        async () => {
          if (list.some((w) => w.proc.exitCode !== null)) throw new Error(`a worker exited:\n${said()}`);
          return o.ready(count);
        },
        60_000,
      );
    },
    /** SIGKILL to one process; resolves once it is gone. */
    async kill(w: WorkerProcess) {
      if (w.proc.exitCode !== null || w.proc.signalCode !== null) return;
      const gone = new Promise((r) => w.proc.once('exit', r));
      w.proc.kill('SIGKILL');
      await gone;
    },
    async stop() {
      for (const w of list.splice(0)) {
        if (w.proc.exitCode !== null || w.proc.signalCode !== null) continue;
        const gone = new Promise((r) => w.proc.once('exit', r));
        w.proc.kill('SIGKILL');
        await gone;
      }
      // the killed workers' slot claims expire (LAB_JOB_LOCK_MS)
      await until('no live worker slot', o.idle, 30_000);
    },
  };
}

/** What a one-lab shard test runs on: the fleet, the bot in this process, Redis, the jobs queue and the shard view. */
export interface ShardLab {
  fleet: Fleet;
  labops: SlackLabops;
  redis: Redis;
  jobs: Queue;
  view: ShardView;
}

/** Starts a fleet of `fleet.count` hosts and the bot on it (the workers come later, per test: fleetWorkers). */
export async function startShardLab(fleetOptions: FleetOptions): Promise<ShardLab> {
  const fleet = await startFleet(fleetOptions);
  const labops = await startSlackLabops(
    { LAB_INVENTORY: fleet.inventoryPath, LAB_KNOWN_HOSTS: fleet.knownHostsPath },
    'bot',
  );
  const redis = new Redis(inject('redisUrl'));
  const jobs = new Queue(JOBS_QUEUE, { connection: redis, prefix: labops.prefix });
  return { fleet, labops, redis, jobs, view: shardView(redis, labops.prefix) };
}

/** Stops what startShardLab started (and the workers first), each part only if it came up. */
export async function stopShardLab(
  lab: Partial<ShardLab> | undefined,
  workers?: { stop(): Promise<void> },
): Promise<void> {
  await workers?.stop().catch(() => undefined);
  await lab?.view?.close();
  await lab?.jobs?.close();
  await lab?.redis?.quit();
  await lab?.labops?.close();
  await lab?.fleet?.stop();
}

/**
 * `labops worker` processes on the lab's fleet and queue prefix (`env` adds or overrides settings): ready once each
 * takes jobs, shards and holds a slot; idle once no slot is live.
 */
export function fleetWorkers(lab: () => ShardLab, env: Record<string, string>) {
  return workerProcesses({
    env: () => ({
      ...lab().labops.slackEnv,
      LAB_INVENTORY: lab().fleet.inventoryPath,
      LAB_KNOWN_HOSTS: lab().fleet.knownHostsPath,
      LAB_QUEUE_PREFIX: lab().labops.prefix,
      LAB_SSH_CONNECT_TIMEOUT_MS: '20000',
      LAB_SSH_COMMAND_TIMEOUT_MS: '30000',
      // a dead worker's job, shard and slot are handed on after a few seconds
      LAB_JOB_LOCK_MS: '2000',
      LOG_LEVEL: 'warn',
      ...env,
    }),
    ready: async (n) =>
      (await lab().view.shared.getWorkersCount()) >= n &&
      (await lab().jobs.getWorkersCount()) >= n &&
      (await lab().view.live()).length >= n,
    idle: async () => (await lab().view.live()).length === 0,
  });
}

/** The `ntp.status` job once a worker runs it. */
export const statusJobOf = (jobs: Queue) =>
  until('the ntp.status job under way', async () =>
    (await jobs.getJobs(['active'])).find((j) => j.name === 'ntp.status'),
  );
