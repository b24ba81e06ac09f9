import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

describe('Slack Web API failures while a job reports', () => {
  let labops: SlackLabops;

  beforeAll(async () => {
    labops = await startSlackLabops();
  });
  afterAll(async () => labops?.close());

  it('retries a rate limit (Retry-After), a 5xx and a hung request, and still delivers every result', async () => {
    labops.slack.failNext('chat.postMessage', { status: 500 }); // the "checking" message
    labops.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 }); // its retry, then the thread reply
    labops.slack.failNext('chat.update', { status: 429, retryAfter: 1 });
    const res = await labops.slash('ntp status ntp_servers');
    expect(res.status).toBe(200);
    const summary = await labops.slack.waitFor(
      (c) =>
        c.method === 'chat.update' &&
        c.ok &&
        /^NTP status of group ntp_servers: 3 in sync/.test(String(c.args.text)),
      30_000,
    );
    // the failures really happened, and were retried rather than dropped
    expect(
      labops.slack.calls.filter((c) => c.status === 500 || c.status === 429).length,
    ).toBeGreaterThanOrEqual(3);
    const thread = labops.slack.thread(String(summary.args.channel), String(summary.args.ts));
    expect(thread.map((m) => m.text).join('\n')).toContain('ntp1');
  }, 60_000);
});
