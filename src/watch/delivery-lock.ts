import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * The drift watch's finishing step and the Ceph watch post about the same hosts: a skewed monitor's alert goes in
 * its host's chrony thread and the other way round. Each reads the other's thread, then posts; run at the same
 * time (two watch jobs, one worker or two) both would find none and open two incidents. One lock per lab in Redis
 * makes the two deliveries take turns. Waiting is bounded: past `waitMs` the delivery goes ahead (a lost thread
 * join is better than a lost alert) and says so in the log.
 */
export function deliveryLock(redis: Redis, key: string, log: Logger, o = { ttlMs: 30_000, waitMs: 10_000 }) {
  let n = 0;
  return async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const token = `${process.pid}:${++n}:${Math.random().toString(36).slice(2)}`;
    const end = Date.now() + o.waitMs;
    let held = false;
    for (;;) {
      held = (await redis.set(key, token, 'PX', o.ttlMs, 'NX')) === 'OK';
      if (held || Date.now() > end) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!held) log.warn({ what, waitedMs: o.waitMs }, 'alert delivery went ahead without the delivery lock');
    try {
      return await fn();
    } finally {
      if (held)
        await redis
          .eval(RELEASE, 1, key, token)
          .catch((err: Error) => log.debug({ msg: err.message }, 'delivery lock not released (it expires)'));
    }
  };
}
