import type { ChildProcess } from 'node:child_process';
import { WebClient } from '@slack/web-api';
import { type Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HostLocks } from '../../src/queue/host-locks.js';
import { JOBS_QUEUE } from '../../src/queue/jobs-queue.js';
import { PlanStore } from '../../src/queue/plan-store.js';
import { SLACK_IDS } from '../support/slack-request.js';
import {
  type SlackLabops,
  spawnWorker,
  startSlackLabops,
  startTestLabops,
  type TestLabops,
} from './start-labops.js';

const LOCK_MS = '1000';
const CHANNEL = SLACK_IDS.channelId;
const CLIENTS = [
  'client-sync',
  'client-drift',
  'client-unsync',
  'client-down',
  'client-nochrony',
  'client-silent',
  'client-off',
  'client-badkey',
  'client-authfail',
];

/**
 * A worker killed with SIGKILL in the middle of a job: BullMQ's stalled-job check hands the job to the next worker.
 * A read-only job runs again and its result reaches Slack; a confirmed change is not run twice.
 */
describe('a worker killed mid-job', () => {
  let bot: SlackLabops;
  let queue: Queue;
  let redis: Redis;
  let child: ChildProcess | undefined;
  let rescuer: TestLabops | undefined;
  const env = () => ({
    ...bot.slackEnv,
    LAB_QUEUE_PREFIX: bot.prefix,
    LAB_JOB_LOCK_MS: LOCK_MS,
    // client-silent accepts TCP and never answers: every status of ntp_clients takes this long
    LAB_SSH_CONNECT_TIMEOUT_MS: '8000',
  });

  beforeAll(async () => {
    bot = await startSlackLabops({}, 'bot');
    redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    queue = new Queue(JOBS_QUEUE, { connection: redis, prefix: bot.prefix });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await rescuer?.stop();
    await queue?.close();
    await redis?.quit();
    await bot?.close();
  });

  const startChildWorker = () => {
    const worker = spawnWorker(env());
    child = worker.proc;
    return worker;
  };
  const activeJob = async (match: (job: Job) => boolean): Promise<Job> => {
    for (let i = 0; i < 200; i++) {
      const job = (await queue.getJobs(['active'])).find(match);
      if (job) return job;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the job never became active');
  };
  const kill = async (proc: ChildProcess) => {
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
    return Date.now();
  };
  const untilFinished = async (id: string, ms: number) => {
    for (let t = 0; t < ms; t += 100) {
      const state = await queue.getJobState(id);
      if (state === 'completed' || state === 'failed') return state;
      await new Promise((r) => setTimeout(r, 100));
    }
    return queue.getJobState(id);
  };

  it('a read-only job is run again by another worker and its result reaches Slack', async () => {
    bot.slack.reset();
    const worker = startChildWorker();
    await bot.slash('ntp status ntp_clients');
    const job = await activeJob((j) => j.name === 'ntp.status');
    const ts = job.data.reply.messageTs as string;
    // mid-job: some hosts have answered (the progress update), client-silent has not
    await bot.slack.waitFor((c) => c.method === 'chat.update' && c.args.ts === ts, 10_000);
    const killedAt = await kill(worker.proc);
    expect(await queue.getJobState(String(job.id))).toBe('active'); // nobody told BullMQ

    rescuer = await startTestLabops(env(), 'worker');
    const summary = await bot.slack.waitFor(
      (c) =>
        c.method === 'chat.update' &&
        c.args.ts === ts &&
        /^NTP status of group ntp_clients/.test(String(c.args.text)),
      30_000,
    );
    const recoveredMs = summary.at - killedAt;
    expect(summary.args.text).toMatch(/Checked 9 hosts/);
    expect(await untilFinished(String(job.id), 5000)).toBe('completed');
    const done = await queue.getJob(String(job.id));
    expect(done?.attemptsStarted).toBe(2);
    expect(await queue.getJobCounts('active')).toEqual({ active: 0 });
    // taken by the next worker through BullMQ's stalled-job check at LAB_JOB_LOCK_MS (the default, 30 s, would not
    // have fitted in the 30 s wait for the summary above); the figure is reported, not asserted
    const pickedUpMs = (done?.processedOn ?? 0) - killedAt;
    console.log(
      `[reliability] read-only job after SIGKILL: taken by the next worker ${pickedUpMs} ms after the kill, summary in Slack after ${recoveredMs} ms (LAB_JOB_LOCK_MS=${LOCK_MS}; the job itself takes ~8 s)`,
    );
    await rescuer.stop();
    rescuer = undefined;
  }, 60_000);

  it('a confirmed change is not run twice: it fails with "interrupted", the channel is told, locks are released', async () => {
    bot.slack.reset();
    const slack = new WebClient(bot.slack.botToken, { slackApiUrl: bot.slack.apiUrl });
    const { ts } = await slack.chat.postMessage({
      channel: CHANNEL,
      text: '⏳ Running `/lab ntp status ntp_clients` (confirmed)…',
    });
    // a plan confirmed as the bot does it (claimed, bound to its job): the worker runs no unconfirmed change
    const plans = new PlanStore(redis, bot.prefix);
    const { id: planId } = await plans.save({
      task: 'ntp.status',
      data: { target: 'ntp_clients' },
      hosts: CLIENTS,
      command: '/lab ntp status ntp_clients',
      channel: CHANNEL,
      messageTs: ts as string,
      message: { text: 'plan' },
    });
    const jobId = `apply-${planId}`;
    await plans.claim(planId, 'confirmed by <@UADMIN1>', { job: jobId, hosts: CLIENTS });
    const locks = new HostLocks(redis, bot.prefix);
    expect(await locks.acquire(CLIENTS, jobId)).toBeUndefined();
    const worker = startChildWorker();
    // a slow task standing in for a change: what matters is the apply phase and the locks it holds
    await queue.add(
      'ntp.status',
      {
        target: 'ntp_clients',
        reply: { channel: CHANNEL, messageTs: ts, user: 'UADMIN1' },
        phase: 'apply',
        planId,
        hosts: CLIENTS,
        command: '/lab ntp status ntp_clients',
      },
      { jobId },
    );
    await activeJob((j) => j.id === jobId);
    await bot.slack.waitFor((c) => c.method === 'chat.update' && c.args.ts === ts, 10_000);
    const killedAt = await kill(worker.proc);
    const updatesBefore = bot.slack.callsTo('chat.update').length;

    rescuer = await startTestLabops(env(), 'worker');
    expect(await untilFinished(jobId, 30_000)).toBe('failed');
    const failed = await queue.getJob(jobId);
    expect(failed?.failedReason).toBe(
      'interrupted: the worker stopped mid-change; check the hosts and run the command again',
    );
    const told = bot.slack.message(CHANNEL, ts as string);
    expect(told?.text).toMatch(
      /`\/lab ntp status ntp_clients` was interrupted: the worker stopped mid-change; check the hosts and run the command again/,
    );
    expect(await locks.holderOf(CLIENTS)).toBeUndefined();
    // it was not run again: the only update after the kill is the "interrupted" one
    const after = bot.slack.callsTo('chat.update').slice(updatesBefore);
    expect(after).toHaveLength(1);
    console.log(
      `[reliability] stalled change refused ${(failed?.finishedOn ?? 0) - killedAt} ms after the kill`,
    );
  }, 60_000);
});
