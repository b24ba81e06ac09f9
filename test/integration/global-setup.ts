import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type Lab, startLab } from '../lab/index.js';
import { ensureRedis } from '../lab/redis.js';

export interface ProvidedLab {
  inventoryPath: string;
  knownHostsPath: string;
  keyPath: string;
  dir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    lab: ProvidedLab;
    redisUrl: string;
  }
}

/** Starts the shared simulated lab (127.0.2.x) and a Redis (the running one, or a private one). */
export default async function setup(project: TestProject) {
  const redis = await ensureRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  let lab: Lab | undefined;
  try {
    lab = await startLab({ dir: join(tmpdir(), 'labops-test-lab'), net: '127.0.2' });
  } catch (err) {
    await redis.stop();
    throw err;
  }
  project.provide('lab', {
    inventoryPath: lab.inventoryPath,
    knownHostsPath: lab.knownHostsPath,
    keyPath: lab.keyPath,
    dir: lab.dir,
  });
  project.provide('redisUrl', redis.url);
  return async () => {
    await lab?.stop();
    await redis.stop();
  };
}
