import type { Redis } from 'ioredis';
import type { Readiness } from './health-routes.js';

/**
 * Ready while the Redis connection is up and answers PING. A connection that is not up is not pinged: with
 * BullMQ's maxRetriesPerRequest null the command would wait for the reconnect. The URL is left out (it may
 * hold a password).
 */
export function redisReadiness(redis: Pick<Redis, 'status' | 'ping'>, timeoutMs = 2000): Readiness {
  return async () => {
    if (redis.status !== 'ready')
      return `Redis does not answer (connection ${redis.status}); labops reconnects on its own`;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs);
    });
    const pong = await Promise.race([redis.ping().catch(() => 'error'), late]).finally(() =>
      clearTimeout(timer),
    );
    return pong === 'PONG' ? undefined : `Redis did not answer PING within ${timeoutMs / 1000} s`;
  };
}
