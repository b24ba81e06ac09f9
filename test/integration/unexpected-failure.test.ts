import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JOBS_QUEUE } from '../../src/queue/jobs-queue.js';
import { SLACK_IDS } from '../support/slack-request.js';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

describe('a job that fails unexpectedly', () => {
  let labops: SlackLabops;

  beforeAll(async () => {
    labops = await startSlackLabops();
  });
  afterAll(async () => labops?.close());

  it('says so in the thread of the message that was answering, with the job id', async () => {
    // a worker whose inventory lacks a host the bot knew: the task cannot resolve its target
    const queue = new Queue(JOBS_QUEUE, { connection: { url: inject('redisUrl') }, prefix: labops.prefix });
    const { ts } = await fetch(`${labops.slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${labops.slack.botToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: SLACK_IDS.channelId, text: '⏳ checking…' }),
    }).then((r) => r.json() as Promise<{ ts: string }>);
    const job = await queue.add('ntp.status', {
      target: 'retired-host',
      reply: { channel: SLACK_IDS.channelId, messageTs: ts, user: SLACK_IDS.userId },
      command: '/lab ntp status retired-host',
    });
    const reply = await labops.slack.waitFor(
      (c) => c.method === 'chat.postMessage' && c.args.thread_ts === ts,
      15_000,
    );
    expect(reply.args.text).toMatch(
      new RegExp(
        `^❌ \`/lab ntp status retired-host\` stopped on an unexpected error: Unknown target .*job id ${job.id}`,
      ),
    );
    await queue.close();
  });
});
