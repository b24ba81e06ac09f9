import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RedisHandle, startRedisServer } from '../lab/redis.js';
import { waitForStatus } from '../support/wait-for-status.js';
import { startTestLabops, type TestLabops } from './start-labops.js';

// compose's worker service: no Slack, but a supervisor must tell a worker that lost Redis from a healthy one
describe('a worker-only process with LAB_WORKER_PORT', () => {
  let redis: RedisHandle;
  let redisPort: number;
  let worker: TestLabops;
  let base: string;

  beforeAll(async () => {
    redisPort = await freePort();
    redis = await startRedisServer(redisPort);
    worker = await startTestLabops({ REDIS_URL: redis.url, LAB_WORKER_PORT: '0' }, 'worker');
    base = `http://127.0.0.1:${worker.httpPort}`;
  });
  afterAll(async () => {
    await worker?.stop(); // not close(): that cleans the shared Redis, and this one is thrown away
    await redis?.stop();
  });

  it('answers /healthz, /readyz and /metrics, and nothing of Slack', async () => {
    expect(worker.httpPort).toBeGreaterThan(0);
    expect(await waitForStatus(`${base}/readyz`, 200)).toEqual({ status: 200, body: 'ready\n' });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(
      /labops_jobs\{queue="jobs",state="waiting"\} \d+/,
    );
    expect((await fetch(`${base}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('says not ready while its Redis is down, and ready again once it is back', async () => {
    await redis.stop();
    const down = await waitForStatus(`${base}/readyz`, 503);
    expect(down.body).toMatch(/^not ready: Redis does not answer/);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    redis = await startRedisServer(redisPort);
    expect((await waitForStatus(`${base}/readyz`, 200, 30_000)).status).toBe(200);
  });
});
