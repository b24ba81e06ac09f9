// `npm run bench`: /lab ntp status over 40 simulated hosts against ansible and parallel-ssh on the same hosts,
// plus ack latency and labops' memory; writes docs/BENCHMARKS.md. Starts and stops everything it uses.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { NTP_STATUS_COMMAND } from '../src/tasks/chrony/remote-command.js';
import { startLab } from '../test/lab/index.js';
import { ensureRedis } from '../test/lab/redis.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { idleTsxRssKiB } from './baseline.js';
import { writeBenchInventory } from './bench-inventory.js';
import { runBench } from './bench-main.js';
import { cpuMs, ownCpuMs } from './cpu.js';
import { measureFloor } from './floor.js';
import { SECRET } from './labops-measure.js';
import { runLabops } from './labops-phase.js';
import { stopLabopsChildren } from './labops-runner.js';
import { describeMachine } from './machine.js';
import { runPeers } from './peer-phase.js';
import { closeAllMasters, ONE_CHRONYC, PEER_COMMAND } from './peers.js';
import { quietGate } from './quiet.js';
import { deletePrefix } from './redis-cleanup.js';
import { renderReport } from './report.js';
import { writeReportSection } from './report-file.js';

const HOSTS = 40;
// labops cold runs are cheap (a fresh process each) and vary most: more of them
const REPS = { cold: 3, labopsCold: 5, warm: 5, stock: 3, burstRounds: 5, concurrency: 20 };
const REPORT = 'docs/BENCHMARKS.md';
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Closers of what the bench started, run last-in first-out at the end, on failure, or on SIGINT/SIGTERM. */
const closers: Array<() => Promise<unknown>> = [];
let cleaning: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const close of closers.reverse())
      await close().catch((err: Error) => log(`clean-up: ${err.message}`));
  })();
  return cleaning;
}

async function main(): Promise<void> {
  const began = Date.now();
  const ensured = spawnSync('scripts/ensure-packages.sh', ['--bench'], { stdio: 'inherit' });
  if (ensured.status !== 0) throw new Error('scripts/ensure-packages.sh --bench failed');
  const machine = await describeMachine();
  const loadBefore = loadavg();
  const scratch = mkdtempSync(join(tmpdir(), 'labops-bench-'));
  closers.push(async () => rmSync(scratch, { recursive: true, force: true }));
  const redis = await ensureRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  closers.push(() => redis.stop());
  const prefix = `labops-bench-${randomUUID().slice(0, 8)}`;
  closers.push(() => deletePrefix(redis.url, prefix));
  // 6 answering standard hosts + 34 extra clients = 40
  const lab = await startLab({ dir: '.lab/bench', net: '127.0.4', extraClients: HOSTS - 6, log });
  closers.push(() => lab.stop());
  closers.push(() => closeAllMasters(scratch));
  const inv = writeBenchInventory(lab, HOSTS);
  const labPids = lab.processes().map((p) => p.pid);
  const hostCpu = () => cpuMs(labPids);
  const gate = quietGate({ alsoMatching: scratch });

  log('peers (each run must print one chronyc tracking line per host):');
  const peers = await runPeers(
    {
      dir: scratch,
      inventoryPath: inv.yamlPath,
      hostsPath: inv.hostsPath,
      keyPath: lab.keyPath,
      knownHostsPath: lab.knownHostsPath,
      hostCount: HOSTS,
    },
    REPS,
    { tool: () => ownCpuMs(process.pid) + cpuMs([], scratch), hosts: hostCpu },
    gate,
    log,
  );

  log('labops (child process, HTTP mode, fake Slack and signed requests in this process):');
  const fake = await startFakeSlack();
  closers.push(() => fake.close());
  closers.push(() => stopLabopsChildren());
  const logPath = join(lab.dir, 'labops.log');
  writeFileSync(logPath, '');
  const labops = await runLabops({
    fake,
    env: {
      REDIS_URL: redis.url,
      LAB_INVENTORY: inv.yamlPath,
      LAB_KNOWN_HOSTS: lab.knownHostsPath,
      LAB_QUEUE_PREFIX: prefix,
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      LOG_LEVEL: 'info',
    },
    logPath,
    hosts: HOSTS,
    hostCpu,
    gate,
    reps: { ...REPS, cold: REPS.labopsCold },
    log,
  });
  const idleTsxKiB = await idleTsxRssKiB(scratch);

  log('floor (40 execs on connections opened beforehand, in this process):');
  const answering = lab.hosts.filter((h) => inv.addresses.includes(h.address));
  const commands = {
    labops: NTP_STATUS_COMMAND,
    peer: PEER_COMMAND,
    true: 'true',
    oneChronyc: ONE_CHRONYC,
  };
  const floor = await measureFloor(
    answering,
    lab.dir,
    lab.keyPath,
    commands,
    REPS.warm,
    {
      tool: () => ownCpuMs(process.pid),
      hosts: hostCpu,
    },
    gate,
  );

  const report = renderReport({
    date: new Date(),
    machine,
    load: { before: loadBefore, after: loadavg() },
    quiet: gate.counts(),
    hosts: HOSTS,
    peers,
    labops,
    idleTsxKiB,
    floor,
    reps: REPS,
    seconds: (Date.now() - began) / 1000,
  });
  mkdirSync(dirname(REPORT), { recursive: true });
  writeReportSection(REPORT, report);
  log(`wrote ${REPORT} in ${((Date.now() - began) / 1000).toFixed(0)} s`);
}

runBench(main, cleanUp, log);
