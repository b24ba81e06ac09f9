import { Redis } from 'ioredis';
import { bounded } from './bounded.js';
import { type Finding, ok, problem } from './finding.js';

// BullMQ refuses Redis below 5.0.0 and recommends 6.2.0 (RedisConnection.minimumVersion / recommendedMinimumVersion)
const MINIMUM = [5, 0, 0];
const RECOMMENDED = [6, 2, 0];

const below = (v: number[], min: number[]) => {
  for (let i = 0; i < min.length; i++) if ((v[i] ?? 0) !== (min[i] ?? 0)) return (v[i] ?? 0) < (min[i] ?? 0);
  return false;
};

/** The verdict on `INFO server`'s redis_version. */
export function judgeRedisVersion(info: string): Finding {
  const version = /^redis_version:(\S+)/m.exec(info)?.[1];
  if (!version)
    return problem(
      'warn',
      'redis',
      'version',
      'INFO did not say',
      'Check that this is Redis (not a proxy that hides INFO).',
    );
  const v = version.split('.').map(Number);
  if (below(v, MINIMUM))
    return problem(
      'fail',
      'redis',
      'version',
      `${version}: BullMQ needs 5.0.0 or newer`,
      'Upgrade Redis to 6.2 or newer (Debian 12: apt install redis-server).',
    );
  if (below(v, RECOMMENDED))
    return problem(
      'warn',
      'redis',
      'version',
      `${version}: BullMQ recommends 6.2.0 or newer`,
      'Upgrade Redis when you can.',
    );
  return ok('redis', 'version', `${version} (BullMQ needs 5.0.0)`);
}

/** Connects once (bounded), asks INFO server, disconnects. */
export async function checkRedis(url: string, timeoutMs: number): Promise<Finding[]> {
  const shown = url.replace(/\/\/[^@]*@/, '//***@');
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await bounded(redis.connect(), timeoutMs, 'connect');
    const info = await bounded(redis.info('server'), timeoutMs, 'INFO');
    return [ok('redis', 'reachable', shown), judgeRedisVersion(info)];
  } catch (err) {
    return [
      problem(
        'fail',
        'redis',
        'reachable',
        `${shown}: ${(err as Error).message}`,
        'Start Redis (docker compose up redis, or apt install redis-server) or set REDIS_URL.',
      ),
    ];
  } finally {
    redis.disconnect();
  }
}
