import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RedisHandle, startRedisServer } from '../lab/redis.js';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

describe('Redis restarted while labops runs', () => {
  let port: number;
  let redis: RedisHandle;
  let labops: SlackLabops;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedisServer(port);
    labops = await startSlackLabops({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await labops?.stop(); // not close(): that cleans the shared Redis, and this one is thrown away
    await labops?.slack.close();
    await redis?.stop();
  });

  const statusOfServers = async () => {
    labops.slack.reset();
    const res = await labops.slash('ntp status ntp_servers');
    expect(res.status).toBe(200);
    return labops.slack.waitFor(
      (c) => c.method === 'chat.update' && /^NTP status of group ntp_servers/.test(String(c.args.text)),
      20_000,
    );
  };
  // readiness, not liveness: /healthz stays 200 while Redis is down (restarting labops would not bring it back)
  const health = async () => (await fetch(`http://127.0.0.1:${labops.httpPort}/readyz`)).status;

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
