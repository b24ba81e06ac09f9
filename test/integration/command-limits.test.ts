import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postSlashCommand } from '../support/slack-request.js';
import { type SlackLabops, startSlackLabops, startTestLabops, type TestLabops } from './start-labops.js';

/** The newest audit entries under a prefix, as flat field maps. */
async function auditEntries(prefix: string): Promise<Record<string, string | undefined>[]> {
  const redis = new Redis(inject('redisUrl'));
  try {
    const rows = await redis.xrevrange(`${prefix}:audit`, '+', '-', 'COUNT', 50);
    return rows.map(([, flat]) =>
      Object.fromEntries(flat.flatMap((v, i) => (i % 2 ? [] : [[v, flat[i + 1]]]))),
    );
  } finally {
    redis.quit();
  }
}

// role 'bot': no worker, so every queued job stays waiting and nothing reaches the lab
describe('per-user command budget (LAB_RATE_PER_MIN) over signed slash commands', () => {
  let labops: SlackLabops;
  let second: TestLabops;

  beforeAll(async () => {
    labops = await startSlackLabops({ LAB_RATE_PER_MIN: '3' }, 'bot');
    // a second bot process on the same queue: the budget is in Redis, so it holds across both
    second = await startTestLabops(
      { ...labops.slackEnv, LAB_QUEUE_PREFIX: labops.prefix, LAB_RATE_PER_MIN: '3' },
      'bot',
    );
  });
  afterAll(async () => {
    await second?.stop();
    await labops?.close();
  });

  it('refuses the 4th job command of a user within a minute, says when to try again, and audits the refusal', async () => {
    const started = () => labops.slack.callsTo('chat.postMessage').length;
    for (let i = 1; i <= 3; i++) {
      const before = started();
      expect((await labops.slash('ntp status client-sync', { user: 'UBUSY1' })).status).toBe(200);
      await labops.slack.waitForCount('chat.postMessage', before + 1, 5000);
    }
    const refused = await labops.ask('ntp status client-sync', 'UBUSY1');
    expect(refused.args.response_type).toBe('ephemeral');
    expect(refused.args.text).toMatch(
      /^You ran 3 commands in the last minute \(the limit is 3 a minute per person\); nothing was started\. Try again in \d+ s\./,
    );
    const retry = Number(/Try again in (\d+) s/.exec(String(refused.args.text))?.[1]);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);

    // what still works for them: help, jobs; and someone else is not held up
    expect((await labops.ask('help', 'UBUSY1')).args.text).toMatch(/\/lab ntp status/);
    expect((await labops.ask('jobs', 'UBUSY1')).args.text).not.toMatch(/You ran/);
    const before = started();
    await labops.slash('ntp status client-sync', { user: 'UCALM1' });
    await labops.slack.waitForCount('chat.postMessage', before + 1, 5000);

    const refusal = (await auditEntries(labops.prefix)).find(
      (e) => e.user === 'UBUSY1' && e.kind === 'refusal',
    );
    expect(refusal).toMatchObject({
      text: '/lab ntp status client-sync',
      outcome: 'refused: rate limit (3 commands in the last minute)',
    });
  });

  it('counts commands sent to either of two bot processes', async () => {
    const secondEvents = `http://127.0.0.1:${second.httpPort}/slack/events`;
    const viaSecond = async (user: string) => {
      const responseUrl = labops.slack.responseUrl({ user });
      const ack = await postSlashCommand(secondEvents, labops.secret, {
        text: 'ntp status client-sync',
        user_id: user,
        response_url: responseUrl,
      });
      expect(ack.status).toBe(200);
      return new URL(responseUrl).pathname;
    };
    const before = labops.slack.callsTo('chat.postMessage').length;
    await labops.slash('ntp status client-sync', { user: 'UTWO1' });
    await labops.slash('ntp status client-sync', { user: 'UTWO1' });
    await viaSecond('UTWO1');
    await labops.slack.waitForCount('chat.postMessage', before + 3, 5000);
    const path = await viaSecond('UTWO1');
    const answer = await labops.slack.waitFor((c) => c.method === 'response_url' && c.path === path, 5000);
    expect(answer.args.text).toMatch(/^You ran 3 commands in the last minute/);
  });
});

describe('cap on waiting jobs (LAB_MAX_WAITING_JOBS)', () => {
  let labops: SlackLabops;

  beforeAll(async () => {
    labops = await startSlackLabops({ LAB_MAX_WAITING_JOBS: '2' }, 'bot');
  });
  afterAll(async () => labops?.close());

  it('refuses a job command while 2 jobs wait for a worker, and audits the refusal', async () => {
    for (const user of ['UQ1', 'UQ2']) {
      const before = labops.slack.callsTo('chat.postMessage').length;
      await labops.slash('ntp status client-sync', { user });
      await labops.slack.waitForCount('chat.postMessage', before + 1, 5000);
    }
    const refused = await labops.ask('ntp plan client-sync', 'UQ3');
    expect(refused.args.text).toMatch(
      /^labops already has 2 jobs waiting for a worker \(the limit is 2\); nothing was started\. Try again when `\/lab jobs` shows fewer waiting/,
    );
    expect((await labops.ask('jobs', 'UQ3')).args.text).not.toMatch(/already has/);
    const refusal = (await auditEntries(labops.prefix)).find((e) => e.user === 'UQ3' && e.kind === 'refusal');
    expect(refusal?.outcome).toBe('refused: queue full (2 waiting)');
  });
});
