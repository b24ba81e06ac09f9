// Two labs (LAB_POLICY), each with a simulated fleet of its own (alpha on 127.161.x.x, beta on 127.162.x.x, the
// same host names in both), each running a shared /lab ntp status at the same time on the same two `labops worker`
// processes (LAB_NTP_SHARD_ABOVE=120): each run on its lab's slots, queues and keys, no host asked for the other
// lab, both answers complete. The bot in this process, the workers spawned as deployed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { shardQueueFor } from '../../src/ntp-shards/shard-job.js';
import { JOBS_QUEUE } from '../../src/queue/jobs-queue.js';
import { groupBySlot } from '../../src/queue/slot-groups.js';
import { type Fleet, startFleet } from '../fleet/index.js';
import {
  csvRows,
  delta,
  expectedCounts,
  expectedState,
  hostsOf,
  isSummary,
  pidOf,
  type ShardView,
  shardView,
  snapshot,
  until,
  workerProcesses,
} from '../support/ntp-shard-workers.js';
import { postSlashCommand, SLACK_IDS } from '../support/slack-request.js';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

const DIR = join(tmpdir(), 'labops-ntp-shards-labs');
const SLOW_MS = 4000;

interface LabUnderTest {
  name: 'alpha' | 'beta';
  channel: string;
  count: number;
  net: string;
  mix: { states: Record<string, number>; behaviours: Record<string, number> };
  fleet?: Fleet;
  view?: ShardView;
}
// two different fleets, so the two answers differ
const LABS: LabUnderTest[] = [
  {
    name: 'alpha',
    channel: 'CALPHA001',
    count: 200,
    net: '127.161',
    mix: {
      states: { sync: 85, drift: 7, unsync: 4, 'daemon-down': 4 },
      behaviours: { answers: 95, slow: 0, refused: 3, 'wrong-key': 2 },
    },
  },
  {
    name: 'beta',
    channel: 'CBETA0001',
    count: 160,
    net: '127.162',
    mix: {
      states: { sync: 70, drift: 20, unsync: 5, 'daemon-down': 5 },
      behaviours: { answers: 90, slow: 0, refused: 5, 'wrong-key': 5 },
    },
  },
];
const fleetOf = (lab: LabUnderTest) => lab.fleet as Fleet;
const viewOf = (lab: LabUnderTest) => lab.view as ShardView;

let labops: SlackLabops;
let redis: Redis;
let jobs: Queue;
let policyPath: string;

const pool = workerProcesses({
  env: () => ({
    ...labops.slackEnv,
    LAB_POLICY: policyPath,
    LAB_INVENTORY: fleetOf(LABS[0] as LabUnderTest).inventoryPath, // not read: the policy names the labs
    LAB_QUEUE_PREFIX: labops.prefix,
    LAB_SSH_CONNECT_TIMEOUT_MS: '20000',
    LAB_SSH_COMMAND_TIMEOUT_MS: '30000',
    LAB_JOB_LOCK_MS: '2000',
    LAB_NTP_SHARD_ABOVE: '120',
    LOG_LEVEL: 'warn',
  }),
  ready: async (n) => {
    if ((await jobs.getWorkersCount()) < n) return false;
    for (const lab of LABS) if ((await viewOf(lab).live()).length < n) return false;
    return true;
  },
  idle: async () => {
    for (const lab of LABS) if ((await viewOf(lab).live()).length > 0) return false;
    return true;
  },
});

/** `/lab <text>` in the lab's channel. */
async function slash(lab: LabUnderTest, text: string) {
  const ack = await postSlashCommand(labops.events, labops.secret, {
    text,
    user_id: SLACK_IDS.userId,
    channel_id: lab.channel,
    response_url: labops.slack.responseUrl({ channel: lab.channel, user: SLACK_IDS.userId }),
  });
  expect(ack.status).toBe(200);
}

/** An audit trail's entries (a lab's, under its key prefix). */
async function auditOf(keyPrefix: string) {
  return (await redis.xrange(`${keyPrefix}:audit`, '-', '+')).map(([, fields]) => {
    const e: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) e[fields[i] as string] = fields[i + 1] as string;
    return e;
  });
}

beforeAll(async () => {
  mkdirSync(DIR, { recursive: true });
  for (const lab of LABS)
    lab.fleet = await startFleet({
      count: lab.count,
      dir: join(DIR, lab.name),
      net: lab.net,
      mix: lab.mix,
      slowMs: SLOW_MS,
    });
  policyPath = join(DIR, 'policy.yml');
  writeFileSync(
    policyPath,
    stringify({
      labs: Object.fromEntries(
        LABS.map((lab) => [
          lab.name,
          {
            inventory: fleetOf(lab).inventoryPath,
            known_hosts: fleetOf(lab).knownHostsPath,
            channels: [lab.channel],
          },
        ]),
      ),
      default_role: 'viewer',
    }),
  );
  labops = await startSlackLabops({ LAB_POLICY: policyPath }, 'bot');
  redis = new Redis(inject('redisUrl'));
  jobs = new Queue(JOBS_QUEUE, { connection: redis, prefix: labops.prefix });
  for (const lab of LABS) lab.view = shardView(redis, labops.prefix, `${labops.prefix}:lab:${lab.name}`);
}, 120_000);

afterAll(async () => {
  await pool.stop().catch(() => undefined);
  for (const lab of LABS) await lab.view?.close();
  await jobs?.close();
  await redis?.quit();
  await labops?.close();
  for (const lab of LABS) await lab.fleet?.stop();
});

describe('two labs each running a shared /lab ntp status at once on the same workers', () => {
  it("each run on its lab's slots, queues and keys; no host asked for the other lab; both answers complete", async () => {
    await pool.start(2);
    const slotsOf = new Map<string, number[]>();
    for (const lab of LABS) {
      const slots = await viewOf(lab).live();
      expect(slots).toHaveLength(2);
      slotsOf.set(lab.name, slots);
    }
    // a few slow hosts in each lab's slots: both runs are under way at the same time
    for (const lab of LABS) {
      const placed = groupBySlot(
        fleetOf(lab).hosts.map((h) => h.name),
        slotsOf.get(lab.name) ?? [],
      );
      const answering = new Set(
        fleetOf(lab)
          .hosts.filter((h) => h.behaviour === 'answers')
          .map((h) => h.name),
      );
      const slow = new Set(placed.flatMap((g) => g.keys.filter((h) => answering.has(h)).slice(0, 2)));
      for (const h of fleetOf(lab).hosts) if (slow.has(h.name)) h.behaviour = 'slow';
    }
    const before = new Map(LABS.map((lab) => [lab.name, snapshot(fleetOf(lab).counters.commandsByHost)]));

    for (const lab of LABS) await slash(lab, 'ntp status all');
    const jobOf = await until('both ntp.status jobs under way at once', async () => {
      const active = (await jobs.getJobs(['active'])).filter((j) => j.name === 'ntp.status');
      const by = new Map(active.map((j) => [String(j.data.lab), j]));
      return LABS.every((lab) => by.has(lab.name)) ? by : undefined;
    });
    for (const lab of LABS) {
      const summary = await labops.slack.waitFor(isSummary(lab.channel), 120_000);
      expect(String(summary.args.text).split('\n')[0], lab.name).toBe(expectedCounts(fleetOf(lab).hosts));
    }

    for (const lab of LABS) {
      const fleet = fleetOf(lab);
      const job = jobOf.get(lab.name) as Job;
      const jobId = String(job.id);
      const other = LABS.find((l) => l !== lab) as LabUnderTest;
      await until(`${lab.name}'s job completed`, async () => (await jobs.getJob(jobId))?.isCompleted());
      // one summary, one CSV in the lab's channel, each of its hosts once with the state its fleet gives it
      expect(labops.slack.calls.filter(isSummary(lab.channel)), lab.name).toHaveLength(1);
      expect(labops.slack.files().filter((f) => f.channel === lab.channel)).toHaveLength(1);
      const rows = csvRows(labops.slack, lab.channel);
      expect(rows).toHaveLength(lab.count);
      expect(new Set(rows.map((r) => r.host)).size).toBe(lab.count);
      const stateOf = new Map(rows.map((r) => [r.host, r.state]));
      for (const h of fleet.hosts)
        expect(stateOf.get(h.name), `${lab.name} ${h.name}`).toBe(expectedState(h));
      // every answering host of the lab's own fleet asked once: none for the other lab (same names, other addresses)
      const was = before.get(lab.name) as Map<string, number>;
      for (const h of fleet.hosts)
        expect(delta(fleet.counters.commandsByHost, was, h.name), `${lab.name} ${h.name}`).toBe(
          h.behaviour === 'refused' || h.behaviour === 'wrong-key' ? 0 : 1,
        );

      // its shards: one per slot of its lab, on that lab's slot queues, of the hosts routed there; both workers
      // ran one; none on the other lab's queues or the shared queue
      const expected = groupBySlot(
        fleet.hosts.map((h) => h.name),
        slotsOf.get(lab.name) ?? [],
      );
      const shards = await viewOf(lab).shardsOf(jobId, ['completed']);
      expect(
        shards
          .map((s) => [s.queueName, s.queueQualifiedName, [...hostsOf(s)].sort()])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      ).toEqual(
        expected.map((g) => [
          shardQueueFor(g.slot),
          `${labops.prefix}:lab:${lab.name}:${shardQueueFor(g.slot)}`,
          [...g.keys].sort(),
        ]),
      );
      for (const s of shards) expect(s.data.lab).toBe(lab.name);
      expect(new Set(shards.map(pidOf))).toEqual(new Set(pool.pids()));
      const elsewhere = await viewOf(other).shardsOf(jobId, ['active', 'completed', 'failed', 'waiting']);
      expect(elsewhere.filter((s) => s.queueQualifiedName.startsWith(`${labops.prefix}:lab:`))).toEqual([]);
      expect(await viewOf(lab).shared.getJobCounts()).toMatchObject({ waiting: 0, active: 0, completed: 0 });

      // the run's keys are gone; the result is in its lab's audit trail, not the other's
      expect(await redis.exists(`${labops.prefix}:ntp-run:${jobId}`)).toBe(0);
      const results = (prefix: string) =>
        auditOf(prefix).then((es) => es.filter((e) => e.kind === 'result' && e.job === jobId));
      expect((await results(`${labops.prefix}:lab:${lab.name}`)).map((e) => e.outcome)).toEqual([
        'completed',
      ]);
      expect(await results(`${labops.prefix}:lab:${other.name}`)).toEqual([]);
    }
  }, 300_000);
});
