import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { deliveryLock } from '../../src/watch/delivery-lock.js';

let redis: Redis;
const key = `labops-test-delivery-lock-${process.pid}`;
const lines: string[] = [];
const log = createLogger('debug', { write: (line: string) => lines.push(line) });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
});
afterAll(async () => {
  await redis.del(key);
  await redis.quit();
});

describe('the alert delivery lock (drift and Ceph deliveries take turns)', () => {
  it('two deliveries through two locks on the same key never overlap, and the key is gone after', async () => {
    // two processes' worth: each its own lock object over the same Redis key
    const [a, b] = [deliveryLock(redis, key, log), deliveryLock(redis, key, log)];
    const events: string[] = [];
    const delivery = (name: string) => async () => {
      events.push(`${name} in`);
      await pause(150);
      events.push(`${name} out`);
      return name;
    };
    const results = await Promise.all([a('drift', delivery('drift')), b('ceph', delivery('ceph'))]);
    expect(results).toEqual(['drift', 'ceph']);
    // whichever went first, the other entered only after it left
    expect([
      ['drift in', 'drift out', 'ceph in', 'ceph out'],
      ['ceph in', 'ceph out', 'drift in', 'drift out'],
    ]).toContainEqual(events);
    expect(await redis.exists(key)).toBe(0);
  });

  it('a holder that never releases (a killed worker) delays a delivery by at most the wait, and it says so', async () => {
    await redis.set(key, 'dead-worker', 'PX', 60_000);
    const lock = deliveryLock(redis, key, log, { ttlMs: 30_000, waitMs: 300 });
    expect(await lock('drift', async () => 'posted')).toBe('posted');
    expect(lines.some((l) => l.includes('went ahead without the delivery lock'))).toBe(true);
    expect(await redis.get(key)).toBe('dead-worker'); // not released: it was not ours
  });

  it('a delivery that throws releases the lock', async () => {
    await redis.del(key);
    const lock = deliveryLock(redis, key, log);
    await expect(lock('ceph', async () => Promise.reject(new Error('Slack refused')))).rejects.toThrow(
      'Slack refused',
    );
    expect(await redis.exists(key)).toBe(0);
  });
});
