import { Redis } from 'ioredis';
import { ConfigError } from '../config.js';

// maxRetriesPerRequest null: BullMQ's blocking commands must wait across reconnects, not fail
export const WAIT = { maxRetriesPerRequest: null, enableOfflineQueue: true, commandTimeout: undefined };
// the bot's commands: an answer within seconds while Redis is down, and nothing buffered to run when it returns
const FAIL_FAST = { maxRetriesPerRequest: 0, enableOfflineQueue: false, commandTimeout: 3000 };

/** A Redis connection that answers within 5 s at start-up, or a ConfigError that says what to do. */
export async function connectRedis(url: string, mode: 'wait' | 'fail-fast'): Promise<Redis> {
  const redis = new Redis(url, { ...(mode === 'wait' ? WAIT : FAIL_FAST), lazyConnect: true });
  redis.on('error', () => undefined); // reconnects on its own; readiness is reported by /readyz
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000).unref()),
    ]);
  } catch (err) {
    redis.disconnect();
    throw new ConfigError(
      `Cannot reach Redis at ${url.replace(/\/\/[^@]*@/, '//***@')} (${(err as Error).message}). Start Redis or set REDIS_URL.`,
    );
  }
  return redis;
}
