import type { ScaleReportInput, SizeResult } from './scale-report.js';

/** One column of the side-by-side: this many worker processes, the run shared by them or not. */
export interface WorkerSetup {
  workers: number;
  shared: boolean;
}

/** BENCH_WORKERS: "1,2" or "1-unshared,1,2". */
export function workerSetups(spec: string): WorkerSetup[] {
  return spec.split(',').map((item) => {
    const m = /^\s*(\d+)(-unshared)?\s*$/.exec(item);
    if (!m || Number(m[1]) < 1) throw new Error(`bench: BENCH_WORKERS item "${item}" is not N or N-unshared`);
    return { workers: Number(m[1]), shared: m[2] === undefined };
  });
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
const max = (xs: number[]) => Math.max(...xs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const all = (xs: number[], f: (x: number) => string) => xs.map(f).join(', ');

const label = (r: SizeResult) =>
  (r.workers ?? 1) > 1
    ? `${r.hosts} hosts, ${r.workers} workers${r.shared === false ? ', not shared' : ', shared'}`
    : `${r.hosts} hosts, 1 worker`;

/** The bench:scale section for BENCH_WORKERS: the same sizes with 1, 2, … worker processes side by side. */
export function renderWorkersReport(o: ScaleReportInput): string {
  const m = o.machine;
  const rs = o.results;
  const row = (name: string, f: (r: SizeResult) => string) => `| ${name} | ${rs.map(f).join(' | ')} |`;
  return `## \`/lab ntp status all\` on 1 and several worker processes

Measured ${o.date.toISOString().slice(0, 10)} by \`BENCH_WORKERS=… npm run bench:scale\` (bench/scale.ts, ${o.seconds.toFixed(0)} s) on ${m.nproc} cores (${m.cpu}), Node ${m.node}; load average ${o.load.before[0]?.toFixed(2)} before, ${o.load.after[0]?.toFixed(2)} after.
Set-up as in the one-worker section below (production \`node dist/cli.js bot|worker\`, Redis, fake Slack, the simulated fleet
on ${o.fleetNet ?? '127.64'}.x.x in the bench's process, every host answering at once), with N worker processes on the same queue
prefix. Shared: over LAB_NTP_SHARD_ABOVE (500) hosts, with at least 2 live worker slots, the \`ntp.status\` job hands
its hosts out by host, one shard a slot, to the worker that holds it (docs/SHARDED-NTP-STATUS.md); with 1 worker (or
LAB_NTP_SHARD_ABOVE=0) the worker that took the job checks every host itself, as before sharing.
Worker CPU, RSS and descriptors are the sum over the worker processes. Cold: each run on fresh worker processes
(no connection yet); warm: the median of ${o.reps.warm} runs on the same processes after one cold run.

${row('', label).replace(/^\| {2}\|/, '| |')}
|---|${rs.map(() => '---').join('|')}|
${row(
  'cold (connect all), end to end, each run',
  (r) =>
    `**${all(
      r.cold.map((x) => x.ms),
      s,
    )}**`,
)}
${row('warm, end to end (median, range)', (r) => `**${s(r.medians.warmMs)}** (${s(Math.min(...r.warm.map((x) => x.ms)))}–${s(max(r.warm.map((x) => x.ms)))})`)}
${row('worker CPU per host, cold (all workers)', (r) => `${r.medians.coldCpuPerHostMs.toFixed(2)} ms`)}
${row('worker CPU per host, warm (all workers)', (r) => `${r.medians.warmCpuPerHostMs.toFixed(2)} ms`)}
${row('fleet + fake Slack CPU per cold run', (r) => `${median(r.cold.map((x) => x.benchCpuMs)).toFixed(0)} ms`)}
${row('open SSH connections after the warm runs (fleet side)', (r) => `${r.pooled.connections}`)}
${row('worker RSS after the warm runs (sum)', (r) => mib(r.pooled.rssKiB))}
${row('Slack calls per run (max)', (r) => `${max([...r.cold, ...r.warm].map((x) => x.slackCalls))}`)}
${row('load average (1 min), start → end', (r) => (r.load ? `${r.load.before.toFixed(1)} → ${r.load.after.toFixed(1)}` : '–'))}
`;
}
