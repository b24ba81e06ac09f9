// A shared /lab ntp status whose coordinator dies: 300 simulated hosts (test/fleet on 127.160.x.x, shared over
// LAB_NTP_SHARD_ABOVE=200) and two `labops worker` processes spawned as deployed, the bot in this process. The
// worker running the `ntp.status` job is killed (SIGKILL) while both workers' shards have commands in flight: the
// other worker takes the job on and finishes the same run, once.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupBySlot } from '../../src/queue/slot-groups.js';
import type { Fleet } from '../fleet/index.js';
import {
  csvRows,
  delta,
  expectedCounts,
  expectedState,
  fleetWorkers,
  hostsOf,
  isSummary,
  pidOf,
  SHARD_TEST_MIX,
  type ShardLab,
  type ShardView,
  snapshot,
  startShardLab,
  statusJobOf,
  stopShardLab,
  until,
} from '../support/ntp-shard-workers.js';
import type { SlackLabops } from './start-labops.js';

const HOSTS = 300;
const SLOW_MS = 6000;

let lab: ShardLab;
let fleet: Fleet;
let labops: SlackLabops;
let redis: Redis;
let jobs: Queue;
let view: ShardView;

const pool = fleetWorkers(() => lab, { LAB_NTP_SHARD_ABOVE: '200' });
const statusJob = () => statusJobOf(jobs);

beforeAll(async () => {
  lab = await startShardLab({
    count: HOSTS,
    dir: join(tmpdir(), 'labops-ntp-shards-failover-fleet'),
    net: '127.160',
    mix: SHARD_TEST_MIX,
    slowMs: SLOW_MS,
  });
  ({ fleet, labops, redis, jobs, view } = lab);
}, 120_000);

afterAll(() => stopShardLab(lab, pool));

describe('the worker running a shared /lab ntp status killed while its shards run', () => {
  it('the other worker takes the job on and finishes the same run: one summary, each host once, no recorded host asked again', async () => {
    await pool.start(2);
    // a first run warms each worker's connections to its slot's hosts: the kill below waits for every host but the
    // slow ones to be recorded, which cold handshakes could make last longer than the slow hosts' answers
    expect((await labops.slash('ntp status all')).status).toBe(200);
    const warm = await statusJob();
    await labops.slack.waitFor(isSummary(), 120_000);
    await until('the first run over', async () => (await jobs.getJob(String(warm.id)))?.isCompleted());
    labops.slack.reset();

    // 3 slow answering hosts in each slot's shard: both workers' shards are still running seconds in
    const slots = await view.live();
    expect(slots).toHaveLength(2);
    const answering = new Set(fleet.hosts.filter((h) => h.behaviour === 'answers').map((h) => h.name));
    const placed = groupBySlot(
      fleet.hosts.map((h) => h.name),
      slots,
    );
    const slow = new Set(placed.flatMap((g) => g.keys.filter((h) => answering.has(h)).slice(0, 3)));
    for (const h of fleet.hosts) if (slow.has(h.name)) h.behaviour = 'slow';
    const commandsBefore = snapshot(fleet.counters.commandsByHost);
    const asked = (host: string) => delta(fleet.counters.commandsByHost, commandsBefore, host);

    expect((await labops.slash('ntp status all')).status).toBe(200);
    const job = await statusJob();
    const jobId = String(job.id);
    const runKey = `${labops.prefix}:ntp-run:${jobId}`;
    const victim = pool.byPid(pidOf(job));
    const survivor = pool.list.find((w) => w !== victim);
    if (!victim || !survivor) throw new Error(`the coordinator ${job.processedBy} is not one of the workers`);

    // the coordinator's own shard has recorded all but its slow hosts, whose commands are out; the other worker's
    // shard is running too
    const victimShards = await until('the coordinator mid-run, both shards running', async () => {
      const active = await view.shardsOf(jobId, ['active']);
      if (new Set(active.map(pidOf)).size < 2) return undefined;
      const mine = active.filter((s) => pidOf(s) === String(victim.proc.pid));
      for (const s of mine) {
        const rest = hostsOf(s).filter((h) => !slow.has(h));
        if ((await redis.hmget(runKey, ...rest)).some((v) => v === null)) return undefined;
        if (hostsOf(s).some((h) => slow.has(h) && asked(h) < 1)) return undefined;
      }
      return mine;
    }).catch(async (err: Error) => {
      const all = await view.shardsOf(jobId, ['active', 'completed', 'failed']);
      throw new Error(
        `${err.message}; shards ${all.map((s) => `${s.id}@${pidOf(s)}`).join(' ')}; workers said:\n${pool.said()}`,
      );
    });
    await pool.kill(victim);
    const recordedAtKill = new Set(await redis.hkeys(runKey));
    // what died with the coordinator's worker: its slow hosts' answers, nothing else
    const lostInFlight = victimShards.flatMap((s) => hostsOf(s).filter((h) => !recordedAtKill.has(h)));
    expect(lostInFlight.length).toBeGreaterThan(0);
    expect(lostInFlight.every((h) => slow.has(h))).toBe(true);

    // the job is handed on (read-only: run again, not refused as an interrupted change) and completes there
    const done = await until(
      'the ntp.status job completed on the other worker',
      async () => {
        const j = await jobs.getJob(jobId);
        if (await j?.isFailed()) throw new Error(`the job failed: ${j?.failedReason}`);
        return (await j?.isCompleted()) ? j : undefined;
      },
      180_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; the survivor said:\n${survivor.output().slice(-3000)}`);
    });
    expect(done?.attemptsStarted).toBeGreaterThanOrEqual(2);
    expect(done && pidOf(done)).toBe(String(survivor.proc.pid));

    // one summary, in the job's one message; one CSV; every host once with the state the fleet gives it
    const summaries = labops.slack.calls.filter(isSummary());
    expect(summaries).toHaveLength(1);
    expect(labops.slack.callsTo('chat.postMessage')).toHaveLength(1);
    const text = String(summaries[0]?.args.text);
    expect(text.split('\n')[0]).toBe(expectedCounts(fleet.hosts));
    expect(text).not.toMatch(/not checked|interrupted/);
    expect(labops.slack.files()).toHaveLength(1);
    const rows = csvRows(labops.slack);
    expect(rows).toHaveLength(HOSTS);
    expect(new Set(rows.map((r) => r.host)).size).toBe(HOSTS);
    const stateOf = new Map(rows.map((r) => [r.host, r.state]));
    for (const h of fleet.hosts) expect(stateOf.get(h.name), h.name).toBe(expectedState(h));

    // no host whose status was recorded before the kill was asked again; only the answers lost with the worker were
    const askedTwice = fleet.hosts.filter((h) => asked(h.name) > 1).map((h) => h.name);
    expect(askedTwice.sort()).toEqual([...lostInFlight].sort());
    for (const h of fleet.hosts)
      expect(asked(h.name), h.name).toBe(
        h.behaviour === 'refused' || h.behaviour === 'wrong-key' ? 0 : lostInFlight.includes(h.name) ? 2 : 1,
      );

    // the same shards (one per slot placed at the start, the same ids), each completed once, the dead worker's
    // handed on to the survivor; the run's keys are gone
    const shards = await view.shardsOf(jobId, ['active', 'completed', 'failed', 'waiting']);
    expect(shards.map((s) => String(s.id)).sort()).toEqual(slots.map((n) => `${jobId}-s${n}`).sort());
    for (const s of shards) expect(await s.getState(), String(s.id)).toBe('completed');
    for (const s of victimShards) {
      const after = await view.shardJob(String(s.id));
      expect(after?.attemptsStarted ?? 0).toBeGreaterThanOrEqual(2);
      expect(after && pidOf(after)).toBe(String(survivor.proc.pid));
    }
    for (const suffix of ['', ':order', ':open', ':slots'])
      expect(await redis.exists(`${runKey}${suffix}`), `${runKey}${suffix}`).toBe(0);
    // the audit trail: one result for the job, completed
    const entries = (await redis.xrange(`${labops.prefix}:audit`, '-', '+')).map(([, fields]) => {
      const e: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) e[fields[i] as string] = fields[i + 1] as string;
      return e;
    });
    const results = entries.filter((e) => e.kind === 'result' && e.job === jobId);
    expect(results.map((e) => e.outcome)).toEqual(['completed']);
  }, 300_000);
});
