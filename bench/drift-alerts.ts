// `npm run bench:drift`: how long from a clock drifting to the alert in the channel, against the bound
// interval × confirm + one check; writes its section of docs/BENCHMARKS.md. Starts and stops everything it uses.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { loadConfig } from '../src/config.js';
import { type InventoryHost, loadInventory } from '../src/inventory/index.js';
import { startLabops } from '../src/main.js';
import { SshPool } from '../src/ssh/ssh-pool.js';
import { checkHost } from '../src/tasks/chrony/check-host.js';
import { decodePoint } from '../src/watch/offset-history.js';
import { type Lab, startLab } from '../test/lab/index.js';
import { ensureRedis } from '../test/lab/redis.js';
import { type FakeSlack, startFakeSlack } from '../test/support/fake-slack.js';
import { type DriftRun, renderDriftSection, writeDriftSection } from './drift-report.js';

const SETTINGS = [
  { intervalSeconds: 1, confirmChecks: 2, rounds: 5 },
  { intervalSeconds: 5, confirmChecks: 2, rounds: 3 },
];
const ALERTS = 'C0ALERTS';
const HOSTS = ['ntp1', 'ntp-fast', 'client-sync', 'client-drift'];
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 60_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}`);
    await sleep(20);
  }
}

function writeInventory(lab: Lab): string {
  const address = new Map(lab.hosts.map((h) => [h.name, h.address]));
  const group = (names: string[]) => ({
    hosts: Object.fromEntries(names.map((n) => [n, { ansible_host: address.get(n) }])),
  });
  const path = join(lab.dir, 'drift-inventory.yml');
  const vars = { ansible_user: 'root', ansible_port: 2222, ansible_ssh_private_key_file: lab.keyPath };
  const children = { ntp_servers: group(HOSTS.slice(0, 2)), ntp_clients: group(HOSTS.slice(2)) };
  writeFileSync(path, stringify({ all: { vars, children } }));
  return path;
}

function benchPool(lab: Lab): SshPool {
  return new SshPool({
    knownHostsPath: lab.knownHostsPath,
    connectTimeoutMs: 2000,
    commandTimeoutMs: 5000,
    idleMs: 60_000,
    concurrency: 2,
  });
}

/** Polls client-drift's chronyc directly (every 20 ms) until it reports `state`: when any tool could see it. */
async function visible(ssh: SshPool, host: InventoryHost, state: 'ok' | 'critical'): Promise<number> {
  return until(`client-drift ${state}`, async () =>
    (await checkHost(ssh, host, { warnMs: 50, critMs: 500 })).state === state ? Date.now() : undefined,
  );
}

interface Ctx {
  lab: Lab;
  fake: FakeSlack;
  redis: Redis;
  redisUrl: string;
  inventoryPath: string;
  ssh: SshPool;
  host: InventoryHost;
}

/** One round on a labops of its own, so that earlier rounds' changes do not count towards flapping. */
async function round(setting: (typeof SETTINGS)[number], ctx: Ctx, run: DriftRun): Promise<void> {
  const prefix = `labops-bench-drift-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({
    REDIS_URL: ctx.redisUrl,
    LAB_INVENTORY: ctx.inventoryPath,
    LAB_KNOWN_HOSTS: ctx.lab.knownHostsPath,
    LAB_QUEUE_PREFIX: prefix,
    LAB_DRIFT_INTERVAL: String(setting.intervalSeconds),
    LAB_DRIFT_CONFIRM: String(setting.confirmChecks),
    LAB_ALERT_CHANNEL: ALERTS,
    SLACK_BOT_TOKEN: ctx.fake.botToken,
    SLACK_SIGNING_SECRET: 'bench-signing-secret',
    SLACK_API_URL: ctx.fake.apiUrl,
    LOG_LEVEL: 'silent',
    PORT: '0',
  });
  const labops = await startLabops(config, 'all', {
    stdin: new PassThrough(),
    stdout: { write: () => true },
  });
  const checks = async () => Number((await ctx.redis.hget(`${prefix}:drift:counters`, 'checks')) ?? 0);
  try {
    await until('the first checks', async () =>
      (await checks()) >= setting.confirmChecks + 1 ? true : undefined,
    );
    if (ctx.fake.callsTo('chat.postMessage').length > 0)
      throw new Error('an alert before the offset changed');
    const changed = Date.now();
    const [seenByChronyc] = await Promise.all([
      visible(ctx.ssh, ctx.host, 'critical'),
      ctx.lab.setFastServerOffset(3),
    ]);
    const alert = await until('the alert', () =>
      ctx.fake.callsTo('chat.postMessage').find((c) => c.args.channel === ALERTS && !c.args.thread_ts),
    );
    if (!/client-drift: drifting \(critical\)/.test(String(alert.args.text)))
      throw new Error(`not the expected alert: ${String(alert.args.text)}`);
    const history = await ctx.redis.zrangebyscore(`${prefix}:drift:history:client-drift`, changed, '+inf');
    const first = history.map(decodePoint).find((p) => p?.state === 'critical');
    const back = Date.now();
    await ctx.lab.setFastServerOffset(0);
    const recovery = await until('the recovery', () =>
      ctx.fake.callsTo('chat.postMessage').find((c) => /back in sync/.test(String(c.args.text))),
    );
    const last = JSON.parse((await ctx.redis.get(`${prefix}:drift:last-check`)) ?? '{}') as {
      durationMs?: number;
    };
    run.visible.push(seenByChronyc - changed);
    run.seen.push((first?.at ?? Number.NaN) - changed);
    run.alert.push(alert.at - changed);
    run.recovery.push(recovery.at - back);
    if (last.durationMs !== undefined) run.check.push(last.durationMs);
    await visible(ctx.ssh, ctx.host, 'ok');
  } finally {
    await labops.stop();
    ctx.fake.reset();
    const keys = await ctx.redis.keys(`${prefix}:*`);
    if (keys.length) await ctx.redis.del(...keys);
  }
}

async function main(): Promise<void> {
  const began = Date.now();
  const redisHandle = await ensureRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const lab = await startLab({ dir: join(tmpdir(), 'labops-bench-drift-lab'), net: '127.0.12', log });
  const fake = await startFakeSlack();
  const redis = new Redis(redisHandle.url);
  try {
    await lab.setFastServerOffset(0);
    const inventoryPath = writeInventory(lab);
    const host = (await loadInventory(inventoryPath, { user: 'root' })).hosts.get('client-drift');
    if (!host) throw new Error('no client-drift in the bench inventory');
    const ssh = benchPool(lab);
    await visible(ssh, host, 'ok');
    const ctx = { lab, fake, redis, redisUrl: redisHandle.url, inventoryPath, ssh, host };
    const runs: DriftRun[] = [];
    for (const setting of SETTINGS) {
      const run: DriftRun = { ...setting, visible: [], seen: [], alert: [], recovery: [], check: [] };
      for (let i = 0; i < setting.rounds; i++) {
        await round(setting, ctx, run);
        log(`  interval ${setting.intervalSeconds} s, round ${i + 1}: alert after ${run.alert.at(-1)} ms`);
      }
      runs.push(run);
    }
    await ssh.close();
    const section = renderDriftSection(runs, {
      date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      hosts: HOSTS.length,
      totalS: Math.round((Date.now() - began) / 1000),
    });
    writeDriftSection('docs/BENCHMARKS.md', section);
    process.stdout.write(`${section}\n`);
  } finally {
    await redis.quit();
    await fake.close();
    await lab.stop();
    await redisHandle.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    log(`bench failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
