import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RedisHandle, startRedisServer } from '../lab/redis.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { waitForStatus } from '../support/wait-for-status.js';
import { type SpawnedLabops, spawnLabops } from './spawn-labops.js';
import { type SlackLabops, startSlackLabops, startTestLabops } from './start-labops.js';

/** True when a TCP connection to host:port is accepted. */
const accepts = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('/healthz and /readyz while Redis goes away', () => {
  let redis: RedisHandle;
  let redisPort: number;
  let labops: SlackLabops;

  beforeAll(async () => {
    redisPort = await freePort();
    redis = await startRedisServer(redisPort);
    labops = await startSlackLabops({ REDIS_URL: redis.url }, 'bot');
  });
  afterAll(async () => {
    await labops?.stop(); // not close(): that cleans the shared Redis, and this one is thrown away
    await labops?.slack.close();
    await redis?.stop();
  });

  it('readyz: 503 with the reason while Redis is down, 200 again after; healthz stays 200', async () => {
    const base = `http://127.0.0.1:${labops.httpPort}`;
    expect(await waitForStatus(`${base}/readyz`, 200)).toEqual({ status: 200, body: 'ready\n' });
    await redis.stop();
    const down = await waitForStatus(`${base}/readyz`, 503);
    expect(down.status).toBe(503);
    expect(down.body).toMatch(
      /^not ready: Redis does not answer \(connection \w+\); labops reconnects on its own/,
    );
    expect(down.body).not.toContain('redis://'); // the URL may hold a password
    expect((await fetch(`${base}/healthz`)).status).toBe(200); // alive: a restart would not bring Redis back
    redis = await startRedisServer(redisPort);
    expect((await waitForStatus(`${base}/readyz`, 200, 30_000)).status).toBe(200);
  }, 60_000);
});

describe('LAB_HTTP_HOST', () => {
  let fake: FakeSlack;

  beforeAll(async () => {
    fake = await startFakeSlack();
  });
  afterAll(async () => fake?.close());

  const socketEnv = () => ({
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_APP_TOKEN: fake.appToken,
    SLACK_API_URL: fake.apiUrl,
  });

  it('Socket Mode listens on loopback 127.0.0.1 only, unless told otherwise', async () => {
    const plain = await startTestLabops(socketEnv(), 'bot');
    try {
      const port = plain.httpPort as number;
      expect(await accepts('127.0.0.1', port)).toBe(true);
      expect(await accepts('127.0.101.1', port)).toBe(false); // another address of this machine
    } finally {
      await plain.close();
    }
    const bound = await startTestLabops({ ...socketEnv(), LAB_HTTP_HOST: '127.0.101.2' }, 'bot');
    try {
      const port = bound.httpPort as number;
      expect(await accepts('127.0.101.2', port)).toBe(true);
      expect(await accepts('127.0.0.1', port)).toBe(false);
      expect((await fetch(`http://127.0.101.2:${port}/healthz`)).status).toBe(200);
    } finally {
      await bound.close();
    }
  });

  it('HTTP mode listens on every interface by default (Slack must reach it)', async () => {
    const labops = await startSlackLabops({}, 'bot');
    try {
      expect(await accepts('127.0.101.3', labops.httpPort as number)).toBe(true);
    } finally {
      await labops.close();
    }
  });
});

describe('an unhandled rejection in a running labops', () => {
  let fake: FakeSlack;
  let labops: SpawnedLabops;

  beforeAll(async () => {
    fake = await startFakeSlack();
    labops = await spawnLabops(
      'all',
      await freePort(),
      {
        SLACK_BOT_TOKEN: fake.botToken,
        SLACK_APP_TOKEN: fake.appToken,
        SLACK_API_URL: fake.apiUrl,
        LAB_QUEUE_PREFIX: `labops-rejection-${process.pid}`,
      },
      ['--import', './test/support/reject-on-signal.mjs'],
    );
  });
  afterAll(async () => {
    await labops?.stop();
    await fake?.close();
  });

  it('is logged, and bot and worker go on', async () => {
    labops.proc.kill('SIGUSR2');
    for (const end = Date.now() + 10_000; Date.now() < end && !/stray rejection/.test(labops.output()); )
      await new Promise((r) => setTimeout(r, 100));
    const line = labops
      .output()
      .split('\n')
      .find((l) => l.includes('stray rejection from the test'));
    expect(line, labops.output()).toBeDefined();
    expect(JSON.parse(line as string)).toMatchObject({
      level: 50,
      msg: 'unhandled promise rejection (logged; labops goes on)',
    });
    expect((await fetch(`http://127.0.0.1:${labops.port}/healthz`)).status).toBe(200);
    expect(labops.alive()).toBe(true);
  });
});
