// /lab ntp status over 1000 simulated hosts (test/fleet on 127.104.x.x) shared by two worker processes (`labops
// worker`, spawned as deployed), the bot in this process: every host once in the answer, a worker killed in the
// middle of a shard, a Cancel while both workers have commands running, and a host's status and drift checks on
// one worker (one connection a host).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { shardQueueFor } from '../../src/ntp-shards/shard-job.js';
import { SlotClaims } from '../../src/queue/slot-claims.js';
import { groupBySlot } from '../../src/queue/slot-groups.js';
import { workerSlotKey } from '../../src/queue/worker-slot-key.js';
import { SHARD_JOB_NAME } from '../../src/watch/tick-plan.js';
import { shardQueueName } from '../../src/watch/watch-queue.js';
import { WatchStore } from '../../src/watch/watch-store.js';
import type { Fleet } from '../fleet/index.js';
import {
  csvRows,
  delta,
  expectedState,
  fleetWorkers,
  SHARD_TEST_MIX,
  type ShardLab,
  type ShardView,
  snapshot,
  startShardLab,
  statusJobOf,
  stopShardLab,
  isSummary as summaryIn,
  until,
} from '../support/ntp-shard-workers.js';
import { slackLimitBreaches } from '../support/slack-limits.js';
import { SLACK_IDS } from '../support/slack-request.js';
import type { SlackLabops } from './start-labops.js';

const HOSTS = 1000;
const SLOW_MS = 6000;
const SHARDS = 8;

let lab: ShardLab;
let fleet: Fleet;
let labops: SlackLabops;
let redis: Redis;
let jobs: Queue;
let view: ShardView;
const names = () => fleet.hosts.map((h) => h.name);
/** The worker slots live now (one per worker process): where a run's shards go, one a slot. */
const live = () => view.live();
const queueNamed = (name: string) => view.queueNamed(name);
const shardsOf = (jobId: string, states: ('active' | 'completed' | 'failed')[]) =>
  view.shardsOf(jobId, states);
const shardJob = (id: string) => view.shardJob(id);

/** Two `labops worker` processes on the fleet, as deployed, both taking jobs and shards once started. */
const pool = fleetWorkers(() => lab, { LAB_NTP_SHARD_ABOVE: '500', LAB_NTP_SHARDS: String(SHARDS) });
const workers = pool.list;
const startWorkers = (extra: Record<string, string> = {}) => pool.start(2, extra);
const stopWorkers = () => pool.stop();

const isSummary = summaryIn();

/** The ntp.status job once a worker runs it. */
const coordinator = () => statusJobOf(jobs);

const csvOf = () => csvRows(labops.slack);

/** What the shards and the workers looked like, for a test that waited in vain. */
async function shardReport(jobId: string): Promise<string> {
  const all = await shardsOf(jobId, ['active', 'completed', 'failed']);
  const shards = await Promise.all(
    all.map(async (s) => `${s.id} ${await s.getState()} by ${s.processedBy?.split(':')[1]}`),
  );
  return `shards: ${shards.join('; ')}; counts ${JSON.stringify(await view.shared.getJobCounts())}; workers ${workers.map((w) => w.proc.pid).join(', ')} said:\n${pool.said()}`;
}

beforeAll(async () => {
  // the bot here; the work in the two worker processes each test starts
  lab = await startShardLab({
    count: HOSTS,
    dir: join(tmpdir(), 'labops-ntp-shards-fleet'),
    net: '127.104',
    mix: SHARD_TEST_MIX,
    slowMs: SLOW_MS,
  });
  ({ fleet, labops, redis, jobs, view } = lab);
}, 120_000);

afterEach(async () => {
  await stopWorkers();
  for (const h of fleet.hosts) if (h.behaviour === 'slow') h.behaviour = 'answers';
  labops.slack.reset();
});

afterAll(() => stopShardLab(lab, pool));

describe('/lab ntp status all on 1000 hosts shared by two worker processes', () => {
  it('every host once in the answer and the CSV, with its state; Slack calls as for one worker; both workers ran shards', async () => {
    await startWorkers();
    const commandsBefore = snapshot(fleet.counters.commandsByHost);
    expect((await labops.slash('ntp status all')).status).toBe(200);
    const job = await coordinator();
    const summary = await labops.slack.waitFor(isSummary, 180_000);
    expect(slackLimitBreaches(summary.args)).toEqual([]);

    // the counts and the table are what the fleet's plan makes, each host once
    const count = (state: string) => fleet.hosts.filter((h) => expectedState(h) === state).length;
    const lines = String(summary.args.text).split('\n');
    expect(lines[0]).toBe(
      `NTP status of all hosts: ${count('in sync')} in sync, ${count('drifting (critical)')} drifting, ${count('not synchronised')} not synchronised, ${count('error')} errors`,
    );
    expect(lines[1]).toMatch(/^Errors: \d+ chronyd down, 30 unreachable, 20 host key mismatch\.$/);
    expect(lines.at(-1)).toMatch(/^Checked 1000 hosts in .*attached in the thread/);
    const rows = csvOf();
    expect(rows).toHaveLength(HOSTS);
    expect(new Set(rows.map((r) => r.host)).size).toBe(HOSTS);
    const stateOf = new Map(rows.map((r) => [r.host, r.state]));
    for (const h of fleet.hosts) expect(stateOf.get(h.name), h.name).toBe(expectedState(h));
    // every host that answers SSH was asked once (refused and wrong-key hosts get no command)
    for (const h of fleet.hosts)
      expect(delta(fleet.counters.commandsByHost, commandsBefore, h.name), h.name).toBe(
        h.behaviour === 'answers' ? 1 : 0,
      );

    // Slack: the bot's post, at most 12 progress updates, the upload (3 calls), the summary: as with one worker
    const calls = labops.slack.calls.filter((c) => c.method !== 'response_url');
    expect(calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    expect(calls.filter((c) => c.method === 'chat.update').length).toBeLessThanOrEqual(13);
    expect(calls.length).toBeLessThanOrEqual(20);
    expect(labops.slack.files()).toHaveLength(1);

    // a shard a worker slot, on the slot's queue, of the hosts routed to it (the worker that runs their drift checks
    // too), and both worker processes ran one
    const slots = await live();
    expect(slots).toHaveLength(2);
    const expected = groupBySlot(names(), slots);
    const shards = await until('every shard completed', async () => {
      const done = await shardsOf(String(job.id), ['completed']);
      return done.length === expected.length ? done : undefined;
    });
    expect(
      shards
        .map((s) => [s.queueName, [...(s.data as { hosts: string[] }).hosts].sort()])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual(expected.map((g) => [shardQueueFor(g.slot), [...g.keys].sort()]));
    const pids = new Set(shards.map((s) => s.processedBy?.split(':')[1]));
    expect(pids).toEqual(new Set(workers.map((w) => String(w.proc.pid))));
    // the run's statuses are gone from Redis once reported
    expect(await redis.exists(`${labops.prefix}:ntp-run:${job.id}`)).toBe(0);
  }, 300_000);

  it('a worker killed in the middle of a shard: the run finishes, the handed-on shard asks only what was not recorded, each host once', async () => {
    await startWorkers();
    // a first run warms each worker's connections to the hosts of its slot (they stay on it): a slot's shard is
    // ~500 hosts, which cold take longer than SLOW_MS, warm far less
    expect((await labops.slash('ntp status all')).status).toBe(200);
    const warm = await coordinator();
    await labops.slack.waitFor(isSummary, 180_000);
    await until('the first run over', async () => (await jobs.getJob(String(warm.id)))?.isCompleted());
    labops.slack.reset();
    // slow hosts in each slot's shard (4 answering ones a shard, 8 in all): every shard is still running a few
    // seconds in
    const answering = new Set(fleet.hosts.filter((h) => h.behaviour === 'answers').map((h) => h.name));
    const slow = groupBySlot(names(), await live()).flatMap((g) =>
      g.keys.filter((h) => answering.has(h)).slice(0, SHARDS / 2),
    );
    for (const h of fleet.hosts) if (slow.includes(h.name)) h.behaviour = 'slow';
    const commandsBefore = snapshot(fleet.counters.commandsByHost);
    expect((await labops.slash('ntp status all')).status).toBe(200);
    const job = await coordinator();
    const runKey = `${labops.prefix}:ntp-run:${job.id}`;
    const coordinatorPid = job.processedBy?.split(':')[1];
    const victim = workers.find((w) => String(w.proc.pid) !== coordinatorPid);
    if (!victim) throw new Error('no worker other than the coordinator');

    // the victim's shards: everything recorded but their slow host, whose command is on its way
    const victimShards = await until('the victim in the middle of its shards', async () => {
      const active = (await shardsOf(String(job.id), ['active'])).filter(
        (s) => s.processedBy?.split(':')[1] === String(victim.proc.pid),
      );
      if (active.length === 0) return undefined;
      for (const s of active) {
        const hosts = (s.data as { hosts: string[] }).hosts;
        const rest = hosts.filter((h) => !slow.includes(h));
        const values = await redis.hmget(runKey, ...rest);
        if (values.some((v) => v === null)) return undefined;
        const inFlight = hosts.filter((h) => slow.includes(h));
        if (inFlight.some((h) => delta(fleet.counters.commandsByHost, commandsBefore, h) < 1))
          return undefined;
      }
      return active;
    }).catch(async (err: Error) => {
      throw new Error(`${err.message}; coordinator ${coordinatorPid}; ${await shardReport(String(job.id))}`);
    });
    victim.proc.kill('SIGKILL');
    await new Promise((r) => victim.proc.once('exit', r));
    const recordedAtKill = new Set(await redis.hkeys(runKey));
    const lostInFlight = victimShards.flatMap((s) =>
      (s.data as { hosts: string[] }).hosts.filter((h) => !recordedAtKill.has(h)),
    );
    // only the slow hosts were left: their answers died with the worker
    expect(lostInFlight.length).toBeGreaterThan(0);
    expect(lostInFlight.every((h) => slow.includes(h))).toBe(true);

    const summary = await labops.slack.waitFor(isSummary, 180_000);
    const rows = csvOf();
    expect(rows).toHaveLength(HOSTS);
    expect(new Set(rows.map((r) => r.host)).size).toBe(HOSTS);
    const stateOf = new Map(rows.map((r) => [r.host, r.state]));
    for (const h of fleet.hosts) expect(stateOf.get(h.name), h.name).toBe(expectedState(h));
    expect(String(summary.args.text)).not.toMatch(/not checked/);

    // the handed-on shards asked again only the hosts whose answer was lost; no host recorded before was asked twice
    const askedTwice = fleet.hosts
      .filter((h) => delta(fleet.counters.commandsByHost, commandsBefore, h.name) > 1)
      .map((h) => h.name);
    expect(askedTwice.sort()).toEqual([...lostInFlight].sort());
    for (const h of fleet.hosts)
      expect(delta(fleet.counters.commandsByHost, commandsBefore, h.name), h.name).toBeLessThanOrEqual(2);
    for (const s of victimShards) {
      const after = await shardJob(String(s.id));
      expect(await after?.getState()).toBe('completed');
      expect(after?.attemptsStarted ?? 0).toBeGreaterThanOrEqual(2); // handed on, not lost
      expect(after?.processedBy?.split(':')[1]).toBe(coordinatorPid);
    }
  }, 300_000);

  it('Cancel while both workers have commands on slow hosts: the commands are killed on both, none starts after, the message says cancelled', async () => {
    for (const h of fleet.hosts) if (h.behaviour === 'answers') h.behaviour = 'slow';
    await startWorkers();
    const slots = await live();
    const commandsBefore = snapshot(fleet.counters.commandsByHost);
    const killsBefore = snapshot(fleet.counters.killsByHost);
    expect((await labops.slash('ntp status all')).status).toBe(200);
    const job = await coordinator();

    // both workers have shards under way, each with commands sent to its hosts
    const hostsOf = (shards: Job[]) => shards.flatMap((s) => (s.data as { hosts: string[] }).hosts);
    let seen = 'nothing';
    const byWorker = await until('both workers with commands in flight', async () => {
      const active = await shardsOf(String(job.id), ['active']);
      const by = new Map<string, Job[]>();
      for (const s of active) {
        const pid = s.processedBy?.split(':')[1] ?? '?';
        by.set(pid, [...(by.get(pid) ?? []), s]);
      }
      if (by.size < 2) return undefined;
      const asked = [...by.values()].map(
        (shards) =>
          hostsOf(shards).filter((h) => delta(fleet.counters.commandsByHost, commandsBefore, h) > 0).length,
      );
      seen = `${[...by].map(([pid, sh]) => `${pid}: ${sh.length} shards`).join(', ')}; asked ${asked.join(', ')}`;
      return asked.every((n) => n >= 10) ? by : undefined;
    }).catch(async (err: Error) => {
      const all = await shardsOf(String(job.id), ['active', 'completed', 'failed']);
      const waiting = await view.shared.getJobCounts();
      throw new Error(
        `${err.message}; last seen ${seen}; shards ${all.map((s) => `${s.id}@${s.processedBy}`).join(' ')}; counts ${JSON.stringify(waiting)}; workers said:\n${pool.said()}`,
      );
    });

    const commandsAtClick = fleet.counters.commands;
    expect((await labops.slash(`cancel ${job.id}`)).status).toBe(200);
    const final = await labops.slack.waitFor(
      (c) => c.method === 'chat.update' && /was cancelled by/.test(String(c.args.text)),
      30_000,
    );
    expect(String(final.args.text)).toMatch(
      new RegExp(`\`/lab ntp status all\` was cancelled by <@${SLACK_IDS.userId}> after`),
    );

    // every shard ends (none waits for its slow hosts), the job failed as cancelled
    await until(
      'every shard over',
      async () => {
        const states = await Promise.all(
          slots.map(async (k) => {
            const j = await shardJob(`${job.id}-s${k}`);
            return j ? j.getState() : 'removed';
          }),
        );
        return states.every((s) => s === 'completed' || s === 'failed' || s === 'removed');
      },
      30_000,
    );
    // what went out after the click: at most the commands whose connection was being made in a pool slot (50 a
    // worker) while the cancel was on its way to a busy worker; nothing new after that
    const commandsAtEnd = fleet.counters.commands;
    expect(commandsAtEnd - commandsAtClick).toBeLessThanOrEqual(2 * 50);
    await until(
      'the job failed as cancelled',
      async () => (await jobs.getJob(String(job.id)))?.isFailed(),
      15_000,
    );
    expect((await jobs.getJob(String(job.id)))?.failedReason).toBe(`cancelled by <@${SLACK_IDS.userId}>`);

    // each worker's running commands were killed on its hosts (each kill goes out on its own channel, just after)
    for (const [pid, shards] of byWorker)
      await until(
        `kills on hosts of worker ${pid}`,
        () => hostsOf(shards).some((h) => delta(fleet.counters.killsByHost, killsBefore, h) > 0),
        15_000,
      );
    // no status command reached a host once the shards were over (the kills above came seconds later), and far
    // from every host was asked
    expect(fleet.counters.commands).toBe(commandsAtEnd);
    const asked = fleet.hosts.filter((h) => delta(fleet.counters.commandsByHost, commandsBefore, h.name) > 0);
    expect(asked.length).toBeLessThan(HOSTS / 2);
    // no summary was posted over the cancelled message
    expect(labops.slack.calls.some(isSummary)).toBe(false);
  }, 300_000);

  it("a host's status and drift checks run on the same worker: about one connection a host, both workers used", async () => {
    const connectionsBefore = snapshot(fleet.counters.byHost);
    // the watch paused until both workers hold their slot (as when they start together), so no host moves later
    const watch = new WatchStore(redis, labops.prefix);
    await watch.pause({ by: 'test', at: Date.now() });
    await startWorkers({ LAB_ALERT_CHANNEL: 'C0AFFINITY', LAB_DRIFT_INTERVAL: '2' });
    await watch.resume();
    const checks = async () => Number((await redis.hget(`${labops.prefix}:drift:counters`, 'checks')) ?? 0);
    await until('a drift check', async () => (await checks()) >= 1, 120_000);
    expect((await labops.slash('ntp status all')).status).toBe(200);
    const job = await coordinator();
    await labops.slack.waitFor(isSummary, 180_000);
    const from = await checks();
    await until('two drift checks after the status run', async () => (await checks()) >= from + 2, 120_000);
    await watch.pause({ by: 'test', at: Date.now() });

    // which worker process asked each host: its ntp status shard's, and each drift shard's
    const pidOf = (j: Job) => j.processedBy?.split(':')[1] ?? '?';
    const hostsOf = (j: Job) => (j.data as { hosts: string[] }).hosts;
    const statusBy = new Map<string, string>();
    for (const s of await shardsOf(String(job.id), ['completed']))
      for (const h of hostsOf(s)) statusBy.set(h, pidOf(s));
    expect(statusBy.size).toBe(HOSTS);
    const driftBy = new Map<string, Set<string>>();
    const slots = [...(await new SlotClaims(redis, workerSlotKey(labops.prefix)).read()).keys()];
    for (const n of slots)
      for (const d of await queueNamed(shardQueueName(n)).getJobs(['completed'], 0, -1))
        if (d.name === SHARD_JOB_NAME)
          for (const h of hostsOf(d)) driftBy.set(h, (driftBy.get(h) ?? new Set()).add(pidOf(d)));
    expect(driftBy.size).toBe(HOSTS);
    for (const h of names()) expect([...(driftBy.get(h) ?? [])], h).toEqual([statusBy.get(h)]);
    expect(new Set(statusBy.values())).toEqual(new Set(workers.map((w) => String(w.proc.pid))));

    // so each host that answers was connected to once, by its worker, for all of it (the refused hosts take no
    // connection; one showing a wrong key is tried again each check and not counted here)
    const answering = fleet.hosts.filter((h) => h.behaviour === 'answers');
    const opened = answering.map((h) => delta(fleet.counters.byHost, connectionsBefore, h.name));
    expect(opened.every((n) => n >= 1)).toBe(true);
    expect(opened.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(answering.length + 10);
  }, 300_000);
});
