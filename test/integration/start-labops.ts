import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { type Labops, type LabopsIo, type Role, startLabops } from '../../src/main.js';
import { JOBS_QUEUE } from '../../src/queue/jobs-queue.js';

export interface TestLabops extends Labops {
  prefix: string;
  output: () => string;
  stdin: PassThrough;
  /** Stops labops and removes everything its queue left in Redis. */
  close(): Promise<void>;
}

/**
 * Runs the real composition root in this process against the shared lab and Redis, with a queue prefix of its own.
 * env adds or overrides variables (e.g. the Slack ones).
 */
export async function startTestLabops(
  env: Record<string, string>,
  role: Role = 'all',
  io: Pick<LabopsIo, 'log'> = {},
): Promise<TestLabops> {
  const lab = inject('lab');
  const redisUrl = inject('redisUrl');
  const prefix = `labops-test-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({
    REDIS_URL: redisUrl,
    LAB_INVENTORY: lab.inventoryPath,
    LAB_KNOWN_HOSTS: lab.knownHostsPath,
    LAB_QUEUE_PREFIX: prefix,
    LAB_SSH_CONNECT_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...env,
  });
  let out = '';
  const stdin = new PassThrough();
  const labops = await startLabops(config, role, {
    stdin,
    stdout: { write: (t: string) => (out += t) },
    ...io,
  });
  return {
    ...labops,
    prefix,
    stdin,
    output: () => out,
    async close() {
      await labops.stop();
      const queue = new Queue(JOBS_QUEUE, { connection: { url: redisUrl }, prefix });
      await queue.obliterate({ force: true });
      await queue.close();
      // audit stream, plans, locks, watch state...: everything else under the prefix
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
}
