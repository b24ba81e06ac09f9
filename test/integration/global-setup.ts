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
  /** First three octets of its hosts' addresses. */
  net: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    lab: ProvidedLab;
    redisUrl: string;
  }
}

/** The shared lab's net; LABOPS_TEST_NET lets a second test run on this machine use another one. */
export const TEST_NET = process.env.LABOPS_TEST_NET ?? '127.0.2';

/** Starts the shared simulated lab (127.0.2.x) and a Redis (the running one, or a private one). */
export default async function setup(project: TestProject) {
  const redis = await ensureRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  let lab: Lab | undefined;
  try {
    lab = await startLab({ dir: join(tmpdir(), `labops-test-lab-${TEST_NET}`), net: TEST_NET });
  } catch (err) {
    await redis.stop();
    throw err;
  }
  project.provide('lab', {
    inventoryPath: lab.inventoryPath,
    knownHostsPath: lab.knownHostsPath,
    keyPath: lab.keyPath,
    dir: lab.dir,
    net: TEST_NET,
  });
  project.provide('redisUrl', redis.url);
  return async () => {
    await lab?.stop();
    await redis.stop();
  };
}
