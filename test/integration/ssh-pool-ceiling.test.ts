import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deletePrefix } from '../../bench/redis-cleanup.js';
import { type InventoryHost, loadInventory } from '../../src/inventory/index.js';
import { SshPool } from '../../src/ssh/ssh-pool.js';
import { checkHost } from '../../src/tasks/chrony/check-host.js';
import { ALL_ANSWERING, type Fleet, startFleet } from '../fleet/index.js';
import { freePort } from '../lab/redis.js';
import { until } from '../support/local-processes.js';

// LAB_SSH_MAX_CONNECTIONS and the start-up file-descriptor check, on the simulated fleet (127.66.x.x)
let fleet: Fleet;
let hosts: InventoryHost[];
beforeAll(async () => {
  fleet = await startFleet({
    count: 40,
    dir: join(tmpdir(), 'labops-pool-ceiling-fleet'),
    net: '127.66',
    mix: ALL_ANSWERING,
  });
  const inv = await loadInventory(fleet.inventoryPath, { user: 'root' });
  hosts = fleet.hosts.map((h) => inv.hosts.get(h.name) as InventoryHost);
});
afterAll(async () => fleet?.stop());

const thresholds = { warnMs: 100, critMs: 1000 };

function recordingLog() {
  const lines: string[] = [];
  return { lines, warn: (_obj: object, msg: string) => void lines.push(msg) };
}

function pool(maxConnections: number, log: ReturnType<typeof recordingLog>, concurrency = 10) {
  return new SshPool({
    knownHostsPath: fleet.knownHostsPath,
    connectTimeoutMs: 5000,
    commandTimeoutMs: 5000,
    idleMs: 60_000,
    concurrency,
    maxConnections,
    log,
  });
}

describe('the SSH pool under LAB_SSH_MAX_CONNECTIONS', () => {
  it('checks 40 hosts through at most 5 open connections, and says so in one log line', async () => {
    const log = recordingLog();
    const p = pool(5, log);
    const before = fleet.counters.connections;
    fleet.counters.maxOpen = fleet.openConnections();
    try {
      const results = await Promise.all(hosts.map((h) => checkHost(p, h, thresholds)));
      expect(results.map((r) => r.state)).toEqual(hosts.map(() => 'ok'));
      expect(p.size).toBeLessThanOrEqual(5);
      // the fleet's side: never more than 5 connections open at once, and every host reached
      expect(fleet.counters.maxOpen).toBeLessThanOrEqual(5);
      expect(fleet.counters.connections - before).toBe(40);
      expect(log.lines).toHaveLength(1);
      expect(log.lines[0]).toMatch(/reached its ceiling of 5 connections \(LAB_SSH_MAX_CONNECTIONS\)/);
    } finally {
      await p.close();
    }
    await until(() => fleet.openConnections() === 0, 5000);
  });

  it('closes the least recently used idle connection first', async () => {
    const log = recordingLog();
    const p = pool(2, log);
    const [a, b, c] = hosts as [InventoryHost, InventoryHost, InventoryHost];
    const connects = (h: InventoryHost) => fleet.counters.byHost.get(h.name) ?? 0;
    try {
      await checkHost(p, a, thresholds);
      await checkHost(p, b, thresholds);
      await checkHost(p, a, thresholds); // a is now the more recently used
      const before = { a: connects(a), b: connects(b) };
      await checkHost(p, c, thresholds); // room for c: b goes, a stays
      await checkHost(p, a, thresholds);
      expect(connects(a)).toBe(before.a);
      await checkHost(p, b, thresholds);
      expect(connects(b)).toBe(before.b + 1);
      expect(p.size).toBe(2);
    } finally {
      await p.close();
    }
  });

  it('holds a command while every connection is busy, rather than opening one more', async () => {
    const log = recordingLog();
    const p = pool(1, log, 4);
    try {
      const results = await Promise.all(hosts.slice(0, 4).map((h) => checkHost(p, h, thresholds)));
      expect(results.map((r) => r.state)).toEqual(['ok', 'ok', 'ok', 'ok']);
      expect(p.size).toBe(1);
      expect(log.lines).toHaveLength(1);
    } finally {
      await p.close();
    }
  });
});

describe('the start-up file-descriptor check', () => {
  async function workerOutput(env: Record<string, string>, nofile: number) {
    const port = await freePort();
    const child = spawn(
      'prlimit',
      [`--nofile=${nofile}:${nofile}`, process.execPath, '--import', 'tsx', 'src/cli.ts', 'worker'],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          REDIS_URL: inject('redisUrl'),
          LAB_INVENTORY: fleet.inventoryPath,
          LAB_KNOWN_HOSTS: fleet.knownHostsPath,
          LAB_QUEUE_PREFIX: `labops-fd-check-${port}`,
          LAB_WORKER_PORT: String(port),
          LAB_HTTP_HOST: '127.0.0.1',
          LOG_LEVEL: 'info',
          // HTTP mode, so the log goes to stderr; the worker makes no Slack call before the line awaited
          SLACK_BOT_TOKEN: 'xoxb-fd-check',
          SLACK_SIGNING_SECRET: 'fd-check-signing-secret',
          SLACK_API_URL: 'http://127.0.0.1:9/api/',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      const started = await until(() => out.includes('labops worker health endpoints'), 20_000);
      expect(started, out).toBe(true);
      return out;
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await deletePrefix(inject('redisUrl'), `labops-fd-check-${port}`);
    }
  }

  it('warns when the inventory cannot fit the limit, and names both ways out', async () => {
    // 40 hosts + the 200 descriptors kept for the rest need 240
    const out = await workerOutput({}, 220);
    expect(out).toMatch(/file-descriptor limit: the inventory has 40 hosts/);
    expect(out).toMatch(/may open only 220 files/);
    expect(out).toMatch(/LAB_SSH_MAX_CONNECTIONS=20 /);
  });

  it('says nothing when a ceiling keeps the pool inside the limit', async () => {
    const out = await workerOutput({ LAB_SSH_MAX_CONNECTIONS: '20' }, 220);
    expect(out).not.toMatch(/file-descriptor limit/);
  });
});
