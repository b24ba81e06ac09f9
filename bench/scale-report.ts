import type { Machine } from './machine.js';
import type { ScaleRun } from './scale-run.js';

export interface SizeResult {
  hosts: number;
  /** Worker processes that shared the runs (1 unless BENCH_WORKERS said otherwise); CPU, RSS and fds are their sum. */
  workers?: number;
  /** false: LAB_NTP_SHARD_ABOVE=0, each run on the one worker that took it. */
  shared?: boolean;
  cold: ScaleRun[];
  warm: ScaleRun[];
  idle: { rssKiB: number; fds: number };
  pooled: { rssKiB: number; hwmKiB: number; fds: number; connections: number; botRssKiB: number };
  medians: { coldMs: number; warmMs: number; warmCpuPerHostMs: number; coldCpuPerHostMs: number };
  /** The machine's 1-minute load average when this size began and when it ended. */
  load?: { before: number; after: number };
}

export interface ScaleReportInput {
  date: Date;
  machine: Machine;
  load: { before: number[]; after: number[] };
  fdLimit: number;
  results: SizeResult[];
  reps: { warm: number };
  seconds: number;
  /** The fleet's first two octets ("127.64"). */
  fleetNet?: string;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
const kib = (bytes: number) => (bytes >= 1024 ? `${(bytes / 1024).toFixed(0)} KiB` : `${bytes} B`);
const range = (xs: number[], f: (x: number) => string) =>
  xs.length > 1 ? ` (${f(Math.min(...xs))}–${f(Math.max(...xs))})` : '';
const max = (xs: number[]) => Math.max(...xs);

/** RSS the worker grew by, per pooled connection: from idle (pool empty) to every host pooled. */
export const perConnectionKiB = (r: SizeResult) =>
  (r.pooled.rssKiB - r.idle.rssKiB) / Math.max(1, r.pooled.connections);

function table(results: SizeResult[]): string {
  const row = (label: string, f: (r: SizeResult) => string) => `| ${label} | ${results.map(f).join(' | ')} |`;
  return [
    `| | ${results.map((r) => `${r.hosts} hosts`).join(' | ')} |`,
    `|---|${results.map(() => '---').join('|')}|`,
    row(
      'warm, end to end (median)',
      (r) =>
        `**${s(r.medians.warmMs)}**${range(
          r.warm.map((x) => x.ms),
          s,
        )}`,
    ),
    row(
      'cold (connect all), end to end, slowest run',
      (r) =>
        `**${s(max(r.cold.map((x) => x.ms)))}**${range(
          r.cold.map((x) => x.ms),
          s,
        )}`,
    ),
    row('worker CPU per host, warm', (r) => `${r.medians.warmCpuPerHostMs.toFixed(2)} ms`),
    row('worker CPU per host, cold', (r) => `${r.medians.coldCpuPerHostMs.toFixed(2)} ms`),
    row(
      'bot CPU per run, warm',
      (r) => `${r.warm.map((x) => x.botCpuMs).sort((a, b) => a - b)[Math.floor(r.warm.length / 2)]} ms`,
    ),
    row(
      'fleet + fake Slack CPU per run, warm',
      (r) => `${r.warm.map((x) => x.benchCpuMs.toFixed(0)).sort()[Math.floor(r.warm.length / 2)]} ms`,
    ),
    row(
      'worker RSS, idle → all pooled',
      (r) => `${mib(r.idle.rssKiB)} → ${mib(r.pooled.rssKiB)} (peak ${mib(r.pooled.hwmKiB)})`,
    ),
    row('RSS growth per pooled connection', (r) => `${perConnectionKiB(r).toFixed(0)} KiB`),
    row('bot RSS after the runs', (r) => mib(r.pooled.botRssKiB)),
    row('load average (1 min), start → end of the size', (r) =>
      r.load ? `${r.load.before.toFixed(1)} → ${r.load.after.toFixed(1)}` : 'not recorded',
    ),
    row('open SSH connections (fleet side)', (r) => `${r.pooled.connections}`),
    row('worker fds, idle → all pooled', (r) => `${r.idle.fds} → ${r.pooled.fds}`),
    row(
      'Slack calls per run (max of all runs)',
      (r) => `${max([...r.cold, ...r.warm].map((x) => x.slackCalls))}`,
    ),
    row(
      'progress updates per run (max)',
      (r) => `${max([...r.cold, ...r.warm].map((x) => x.progressUpdates))}`,
    ),
    row('final message (text + blocks, JSON)', (r) => kib(max(r.warm.map((x) => x.finalBytes)))),
    row('file in the thread', (r) =>
      max(r.warm.map((x) => x.fileBytes)) > 0
        ? kib(max(r.warm.map((x) => x.fileBytes)))
        : 'none (raw tables as replies)',
    ),
  ].join('\n');
}

/** The issue's targets, read at 1000 hosts (or the size nearest it), met or missed. */
function targets(results: SizeResult[]): string {
  const at = results.reduce((best, r) => (Math.abs(r.hosts - 1000) < Math.abs(best.hosts - 1000) ? r : best));
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  const big = results.filter((r) => r.hosts > 100);
  const calls = big.map((r) => max([...r.cold, ...r.warm].map((x) => x.slackCalls)));
  return [
    `| target (at ${at.hosts} hosts) | measured | |`,
    '|---|---|---|',
    `| warm end to end ≤ 0.5 s | ${s(at.medians.warmMs)} | ${verdict(at.medians.warmMs <= 500)} |`,
    `| cold (connect all) ≤ 3 s, one worker | ${at.cold.map((r) => s(r.ms)).join(', ')} | ${verdict(max(at.cold.map((r) => r.ms)) <= 3000)} |`,
    `| worker CPU ≤ 0.3 ms per host per check (warm) | ${at.medians.warmCpuPerHostMs.toFixed(2)} ms | ${verdict(at.medians.warmCpuPerHostMs <= 0.3)} |`,
    `| RSS growth ≤ 150 KiB per pooled connection | ${perConnectionKiB(at).toFixed(0)} KiB | ${verdict(perConnectionKiB(at) <= 150)} |`,
    `| Slack calls per run bounded whatever N | ${big.map((r, i) => `${calls[i]} at ${r.hosts}`).join(', ') || 'n/a'} | ${verdict(calls.every((c) => c <= 20))} (at most 1 post, 12 progress updates, 3 for the file, 1 summary) |`,
  ].join('\n');
}

/** Cost per host at each size: flat means linear in N. */
function curve(results: SizeResult[]): string {
  const per = (ms: number, n: number) => `${((ms / n) * 1000).toFixed(0)} µs`;
  return [
    `| per host | ${results.map((r) => `${r.hosts}`).join(' | ')} |`,
    `|---|${results.map(() => '---').join('|')}|`,
    `| warm wall time | ${results.map((r) => per(r.medians.warmMs, r.hosts)).join(' | ')} |`,
    `| cold wall time (slowest run) | ${results.map((r) => per(max(r.cold.map((x) => x.ms)), r.hosts)).join(' | ')} |`,
    `| worker CPU, warm | ${results.map((r) => per(r.medians.warmCpuPerHostMs * r.hosts, r.hosts)).join(' | ')} |`,
    `| worker CPU, cold | ${results.map((r) => per(r.medians.coldCpuPerHostMs * r.hosts, r.hosts)).join(' | ')} |`,
    `| fleet + fake Slack CPU, cold | ${results.map((r) => per(median(r.cold.map((x) => x.benchCpuMs)), r.hosts)).join(' | ')} |`,
  ].join('\n');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

export function renderScaleReport(o: ScaleReportInput): string {
  const m = o.machine;
  return `## \`/lab ntp status all\` at scale: 40 to ${Math.max(...o.results.map((r) => r.hosts))} simulated hosts

Measured ${o.date.toISOString().slice(0, 10)} by \`npm run bench:scale\` (bench/scale.ts, ${o.seconds.toFixed(0)} s) on ${m.nproc} cores (${m.cpu}), ${m.memoryGiB.toFixed(0)} GiB, Node ${m.node}; load average ${o.load.before[0]?.toFixed(2)} before, ${o.load.after[0]?.toFixed(2)} after; fd limit ${o.fdLimit}.
Bot and worker as production runs them (\`node dist/cli.js bot\`, \`node dist/cli.js worker\`: two processes, one worker,
LAB_SSH_CONCURRENCY 50 as by default), Redis, a fake Slack (HTTP mode) and the simulated fleet (test/fleet: one process of
ssh2 servers on ${o.fleetNet ?? '127.64'}.x.x, each host its own ed25519 key, every host answering at once from the chronyc captures: 85 %
in sync, 7 % drifting, 4 % not synchronised, 4 % chronyd down). The fleet and the fake Slack run in the bench's process
on the same two cores: their CPU is shown apart and is not labops'. End to end: from the signed slash command sent to the
fake Slack receiving the final \`chat.update\`. Cold: a worker that has connected to no host yet (a fresh process).
Warm: the median of ${o.reps.warm} runs on a pool holding every host. Cold: 2 runs (1 at 5000 hosts), each on a
fresh worker; the table shows the slower.

${table(o.results)}

Targets:

${targets(o.results)}

Cost per host (flat across a row = linear in N):

${curve(o.results)}
`;
}
