import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../lab/redis.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { SLACK_IDS } from '../support/slack-request.js';
import { startTestLabops, type TestLabops } from './start-labops.js';

describe('/lab ntp status in Socket Mode', () => {
  let fake: FakeSlack;
  let labops: TestLabops;
  let port: number;

  beforeAll(async () => {
    fake = await startFakeSlack();
    port = await freePort();
    labops = await startTestLabops({
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_APP_TOKEN: fake.appToken,
      SLACK_API_URL: fake.apiUrl,
      PORT: String(port),
    });
    await fake.socketConnected();
  });
  afterAll(async () => {
    await labops?.close();
    await fake?.socketsClosed().catch(() => undefined);
    await fake?.close();
  });

  it('answers /healthz on PORT', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it('acks the envelope and answers in the channel', async () => {
    const pushed = await fake.pushSlashCommand({ text: 'ntp status client-drift' });
    expect(pushed.ackPayload).toEqual({});
    const summary = await fake.waitFor(
      (c) => c.method === 'chat.update' && /^NTP status of host client-drift/.test(String(c.args.text)),
      15_000,
    );
    expect(summary.args.channel).toBe(SLACK_IDS.channelId);
    expect(summary.args.text).toMatch(/🔴 client-drift: drifting, clock 3\.0 s slow of NTP time/);
  });

  it('answers a malformed command with a short ephemeral reply', async () => {
    await fake.pushSlashCommand({ text: 'ntp stat' });
    const reply = await fake.waitFor(
      (c) => c.method === 'response_url' && /Unknown command/.test(String(c.args.text)),
    );
    expect(reply.args.response_type).toBe('ephemeral');
  });
});
