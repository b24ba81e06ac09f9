import { randomUUID } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JOBS_QUEUE } from '../../src/queue/jobs-queue.js';
import { SLACK_IDS } from '../support/slack-request.js';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

const ADMIN = 'UADMIN1';
const CHANNEL = SLACK_IDS.channelId;

/**
 * What the worker will not run, whatever is written into Redis: a change without a plan an admin confirmed, and a
 * job that waited past its deadline. And `/lab cancel` acts only on jobs labops made.
 */
describe('jobs labops did not make, or made too long ago', () => {
  let labops: SlackLabops;
  let queue: Queue;
  let redis: Redis;

  beforeAll(async () => {
    labops = await startSlackLabops({ LAB_ADMINS: ADMIN });
    redis = new Redis(inject('redisUrl'));
    queue = new Queue(JOBS_QUEUE, { connection: { url: inject('redisUrl') }, prefix: labops.prefix });
  });
  afterAll(async () => {
    await queue?.close();
    await redis?.quit();
    await labops?.close();
  });

  const finished = async (id: string) => {
    for (let i = 0; i < 200; i++) {
      const state = await queue.getJobState(id);
      if (state === 'completed' || state === 'failed') return queue.getJob(id);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`job ${id} never finished`);
  };
  const reply = async (text: string) => {
    const slack = new WebClient(labops.slack.botToken, { slackApiUrl: labops.slack.apiUrl });
    const { ts } = await slack.chat.postMessage({ channel: CHANNEL, text });
    return { channel: CHANNEL, messageTs: ts as string, user: ADMIN };
  };

  it('an apply job whose plan was never claimed is refused, and nothing runs', async () => {
    const planId = randomUUID();
    const jobId = `apply-${planId}`;
    const target = await reply('⏳ Running `/lab ntp status ntp_servers` (confirmed)…');
    await queue.add(
      'ntp.status',
      {
        target: 'ntp_servers',
        reply: target,
        phase: 'apply',
        planId,
        hosts: ['ntp1'],
        command: '/lab ntp status ntp_servers',
      },
      { jobId },
    );
    const job = await finished(jobId);
    expect(job?.failedReason).toMatch(
      /^refused: ntp\.status changes hosts and runs only from a plan an admin confirmed/,
    );
    const shown = labops.slack.message(CHANNEL, target.messageTs)?.text;
    expect(shown).toMatch(/^⛔ `\/lab ntp status ntp_servers` was not run: .*Nothing was changed/);
    expect(shown).not.toMatch(/NTP status of/);
  });

  it('a changing task queued with phase run (no plan at all) is refused before it touches a host', async () => {
    const target = await reply('⏳ …');
    const job = await queue.add('ntp.setup', {
      target: 'client-sync',
      reply: target,
      phase: 'run',
      command: '/lab ntp setup client-sync',
    });
    const done = await finished(String(job.id));
    expect(done?.failedReason).toMatch(/^refused: ntp\.setup changes hosts and runs only from a plan/);
    expect(labops.slack.message(CHANNEL, target.messageTs)?.text).toMatch(
      /^⛔ `\/lab ntp setup client-sync` was not run/,
    );
  });

  it('a job that waited past its deadline (queued while Redis was away) is dropped with a message', async () => {
    const target = await reply('⏳ Checking NTP…');
    const job = await queue.add('ntp.status', {
      target: 'ntp_servers',
      reply: target,
      phase: 'run',
      command: '/lab ntp status ntp_servers',
      startBy: Date.now() - 1000,
    });
    const done = await finished(String(job.id));
    expect(done?.failedReason).toMatch(/^not started: waited \d+ s in the queue/);
    expect(labops.slack.message(CHANNEL, target.messageTs)?.text).toMatch(
      /^⌛ `\/lab ntp status ntp_servers` was not started: it waited .* Nothing ran; run it again if you still need it\.$/,
    );
  });

  it("/lab cancel meta is not one of labops' jobs: refused, and BullMQ's own key is left alone", async () => {
    await labops.slash('ntp status ntp_servers'); // the queue exists, with its meta key
    const meta = `${labops.prefix}:${JOBS_QUEUE}:meta`;
    expect(await redis.exists(meta)).toBe(1);
    for (const id of ['meta', 'id', 'events', 'apply-x']) {
      const answer = await labops.ask(`cancel ${id}`, ADMIN);
      expect(answer.args.text).toMatch(new RegExp(`^There is no job \`${id}\` in labops' queue`));
    }
    expect(await redis.exists(meta)).toBe(1);
    const trail = (await labops.ask('history 10', ADMIN)).args.text;
    expect(trail).toMatch(/\/lab cancel meta → no such job/);
  });
});
