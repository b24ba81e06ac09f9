import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { postSlashCommand } from '../support/slack-request.js';
import { startTestLabops, type TestLabops } from './start-labops.js';

const SECRET = 'slack-failures-secret';

describe('Slack Web API failures while a job reports', () => {
  let fake: FakeSlack;
  let labops: TestLabops;

  beforeAll(async () => {
    fake = await startFakeSlack();
    labops = await startTestLabops({
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
    });
  });
  afterAll(async () => {
    await labops?.close();
    await fake?.close();
  });

  it('retries a rate limit (Retry-After), a 5xx and a hung request, and still delivers every result', async () => {
    fake.failNext('chat.postMessage', { status: 500 }); // the "checking" message
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 }); // its retry, then the thread reply
    fake.failNext('chat.update', { status: 429, retryAfter: 1 });
    const res = await postSlashCommand(`http://127.0.0.1:${labops.httpPort}/slack/events`, SECRET, {
      text: 'ntp status ntp_servers',
      response_url: fake.responseUrl(),
    });
    expect(res.status).toBe(200);
    const summary = await fake.waitFor(
      (c) =>
        c.method === 'chat.update' &&
        c.ok &&
        /^NTP status of group ntp_servers: 3 in sync/.test(String(c.args.text)),
      30_000,
    );
    // the failures really happened, and were retried rather than dropped
    expect(fake.calls.filter((c) => c.status === 500 || c.status === 429).length).toBeGreaterThanOrEqual(3);
    const thread = fake.thread(String(summary.args.channel), String(summary.args.ts));
    expect(thread.map((m) => m.text).join('\n')).toContain('ntp1');
  }, 60_000);
});
