import type { Machine } from './machine.js';
import type { HistoryFigures } from './watch-history.js';

/** One finished check of the watch. */
export interface TickSample {
  /** Its start to the end of its finishing step (posting included). */
  wallMs: number;
  /** Shard jobs it was split into, and how many worker processes ran them. */
  shards: number;
  workers: number;
  /** CPU of all worker processes since the previous check finished (its idle wait included). */
  cpuMs: number;
  /** Redis' CPU over the same span. */
  redisCpuMs: number;
}

export interface WatchRun {
  date: string;
  machine: Machine;
  hosts: number;
  workers: number;
  shardSize: number;
  intervalSeconds: number;
  ticks: TickSample[];
  alerts: number;
  slackCalls: number;
  /** What the fleet served over the whole run. */
  fleet: { commands: number; connections: number };
  /** Sockets each worker process held at the end: its pooled SSH connections plus a few to Redis. */
  workerSockets: number[];
  history: HistoryFigures;
  totalS: number;
  /** The machine's 1-minute load average at the start and the end (other sessions share it). */
  load: [number, number];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 2 : 0)} MiB`;

function label(i: number): string {
  if (i === 0) return '1 (cold: every connection opened)';
  if (i === 1) return '2 (the alerts confirmed and posted)';
  return `${i + 1} (warm)`;
}

export function renderWatchSection(r: WatchRun): string {
  const per1000 = (x: number) => (x * 1000) / r.hosts;
  const rows = r.ticks.map(
    (t, i) =>
      `| ${label(i)} | ${ms(t.wallMs)} | ${t.shards} | ${t.workers} | ${Math.round(t.cpuMs)} ms | ${(t.cpuMs / r.hosts).toFixed(2)} ms | ${Math.round(t.redisCpuMs)} ms |`,
  );
  // the last five: warm
  const warm = r.ticks.slice(-5);
  const firstWarm = r.ticks.length - warm.length + 1;
  const warmCpu = median(warm.map((t) => t.cpuMs));
  const worstWall = Math.max(...r.ticks.map((t) => t.wallMs));
  const h = r.history;
  const perPoint = h.historyBytes / h.points;
  const perHostTotal = h.historyBytes + h.recordBytes;
  const verdict =
    worstWall < 30_000
      ? `every check, the cold one included, finished in ${ms(worstWall)}: inside a 30 s interval`
      : `the slowest check took ${ms(worstWall)}: **longer than a 30 s interval** (the next tick skips while it runs)`;
  return `## The clock-drift watch at ${r.hosts} hosts (\`npm run bench:watch\`)

Measured ${r.date} UTC on ${r.machine.nproc} cores (${r.machine.cpu}), Node ${r.machine.node}; ${r.totalS.toFixed(0)} s for the whole run, the
machine's load average ${r.load[0].toFixed(1)} at the start and ${r.load[1].toFixed(1)} at the end (${r.load[0] > r.machine.nproc ? 'other sessions were busy on it: wall times are longer than on an idle machine' : 'an idle machine'}).
${r.hosts} simulated hosts (\`npm run fleet\`, a process of its own, its CPU not counted; default mix: 85 % in sync, 7 %
drifting, 4 % unsynchronised, 4 % chronyd down; 3 % slow to answer (1.5 s), 3 % refusing, 2 % with a wrong host key),
${r.workers} worker processes (\`npm run worker\`) on a private Redis, \`LAB_DRIFT_SHARD_SIZE=${r.shardSize}\`, a check every
${r.intervalSeconds} s, the fake Slack of the tests. Worker CPU is read from /proc for both processes between two checks
finishing, so it includes their idle wait between checks; Redis' from its INFO cpu.

| check | wall, start to posted | shards | workers that ran shards | worker CPU | per host | Redis CPU |
|---|---|---|---|---|---|---|
${rows.join('\n')}

- **CPU per check per 1000 hosts, warm: ${Math.round(per1000(warmCpu))} ms** of worker CPU (median of checks ${firstWarm}-${r.ticks.length}),
  ${(warmCpu / r.hosts).toFixed(2)} ms a host. The first check costs more: a worker opens a connection to each host of
  every shard it takes. Each shard goes to the same worker every check (its worker slot, by rendezvous hashing), so
  each host is pooled by one worker: the fleet saw **${r.fleet.connections} connections for ${r.hosts} hosts** over the
  ${r.ticks.length} checks (and ${r.fleet.commands} status commands, ${Math.round(r.fleet.commands / r.ticks.length)} a check: each host that takes a
  connection is asked once a check); at the end the workers held ${r.workerSockets.join(' and ')} sockets (their pooled
  SSH connections plus a few to Redis).
- Check 2 confirmed and posted ${r.alerts} alerts (one group message, each host's alert in its thread);
  ${r.slackCalls} Slack calls in the whole run.
- ${verdict}.

### Redis memory of the offset history

The history keeps one point per host per check for \`LAB_DRIFT_HISTORY_DAYS\` (default 7) days, in two tiers
(src/watch/offset-history.ts): the last hour raw, a sorted set of \`at|state|offset\` members (${h.rawBytes} bytes a
host: under 128 members Redis keeps a sorted set packed), and every older check in 11 bytes (milliseconds in the day,
state, offset in whole microseconds) appended to one string per host per UTC day as it leaves the raw tier (a completed
day rewritten at its size). Full resolution all along: \`/lab ntp graph\` draws the same points over 7 days as before.
Measured by writing ${h.days} days at a check every ${h.intervalSeconds} s (${h.points} points) for ${h.hosts} hosts
through the watch's own OffsetHistory (each write moving what ages out, as every check does), then \`MEMORY USAGE\` of
each of a host's keys (its sorted set and its ${h.dayKeys} day strings):

| per host | bytes |
|---|---|
| offset history, ${h.days} days (${h.points} points, ${perPoint.toFixed(1)} bytes a point) | ${h.historyBytes} (${mib(h.historyBytes)}) |
| watch record (state, last check) | ${h.recordBytes} |
| Redis' used_memory growth per host, allocator included | ${Math.round(h.usedMemoryPerHost)} |

That is **${mib(perHostTotal * 1000)} for 1000 hosts** at the defaults. Before the compact tier (the same measurement
at commit 3222ff4, every point a sorted-set member, a skiplist): 1299472 bytes a host, 129 bytes a point, 1.21 GiB for
1000 hosts. \`LAB_DRIFT_HISTORY_DAYS\` bounds it (1 day keeps about ${mib((h.historyBytes / h.days) * 1000)} for 1000
hosts); a longer \`LAB_DRIFT_INTERVAL\` shrinks it in proportion. A history written before the upgrade (7 days in the
sorted set) is read as it is and moved into day strings 2000 checks a host a write, so within a few checks.
`;
}
