import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RedisHandle, startRedisServer } from '../lab/redis.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { postSlashCommand } from '../support/slack-request.js';
import { startTestLabops, type TestLabops } from './start-labops.js';

const SECRET = 'restart-signing-secret';

describe('Redis restarted while labops runs', () => {
  let port: number;
  let redis: RedisHandle;
  let fake: FakeSlack;
  let labops: TestLabops;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedisServer(port);
    fake = await startFakeSlack();
    labops = await startTestLabops({
      REDIS_URL: redis.url,
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
    });
  });
  afterAll(async () => {
    await labops?.stop();
    await fake?.close();
    await redis?.stop();
  });

  const statusOfServers = async () => {
    fake.reset();
    const res = await postSlashCommand(`http://127.0.0.1:${labops.httpPort}/slack/events`, SECRET, {
      text: 'ntp status ntp_servers',
      response_url: fake.responseUrl(),
    });
    expect(res.status).toBe(200);
    return fake.waitFor(
      (c) => c.method === 'chat.update' && /^NTP status of group ntp_servers/.test(String(c.args.text)),
      20_000,
    );
  };
  const health = async () => (await fetch(`http://127.0.0.1:${labops.httpPort}/healthz`)).status;

  it('reports not ready while Redis is down, reconnects, and later commands work', async () => {
    expect((await statusOfServers()).args.text).toMatch(/3 in sync/);

    await redis.stop();
    let down = 0;
    for (let i = 0; i < 50 && down !== 503; i++) {
      down = await health();
      if (down !== 503) await new Promise((r) => setTimeout(r, 100));
    }
    expect(down).toBe(503);

    redis = await startRedisServer(port); // an empty Redis, as after a restart without persistence
    let up = 0;
    for (let i = 0; i < 100 && up !== 200; i++) {
      up = await health();
      if (up !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(up).toBe(200);
    expect((await statusOfServers()).args.text).toMatch(/3 in sync/);
  }, 60_000);
});
