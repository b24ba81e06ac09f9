import type { CephHealth, CephStatus, CephTimeSync } from './parse-ceph.js';

/** A monitor Ceph names in MON_CLOCK_SKEW or MON_DOWN, with what it says about it. */
export interface MonProblem {
  mon: string;
  kind: 'skew' | 'down';
  /** Seconds against the leader's clock (time-sync-status, else the detail line). */
  skewSeconds?: number;
  latencySeconds?: number;
}

// HealthMonitor::check_for_clock_skew / check_for_mon_down write these lines
const SKEW_LINE = /^mon\.(\S+) clock skew (-?[\d.e+-]+)s/;
const DOWN_LINE = /^mon\.(\S+) \(rank \d+\).* is down/;
const NAMED = /mon\.([^\s,]+)/g;

const lines = (health: CephHealth, code: string) => health.checks[code]?.detail?.map((d) => d.message) ?? [];

function skewed(health: CephHealth, timeSync: CephTimeSync | undefined): MonProblem[] {
  const found = new Map<string, MonProblem>();
  for (const [mon, t] of Object.entries(timeSync?.time_skew_status ?? {}))
    if (t.health !== 'HEALTH_OK')
      found.set(mon, { mon, kind: 'skew', skewSeconds: t.skew, latencySeconds: t.latency });
  for (const line of lines(health, 'MON_CLOCK_SKEW')) {
    const m = SKEW_LINE.exec(line);
    if (m?.[1] && !found.has(m[1])) found.set(m[1], { mon: m[1], kind: 'skew', skewSeconds: Number(m[2]) });
  }
  // `ceph status` has no detail lines: its summary still names them ("clock skew detected on mon.a, mon.b")
  const summary = health.checks.MON_CLOCK_SKEW?.summary.message ?? '';
  for (const [, mon] of summary.matchAll(NAMED))
    if (mon && !found.has(mon)) found.set(mon, { mon, kind: 'skew', ...timeOf(timeSync, mon) });
  return [...found.values()];
}

const timeOf = (timeSync: CephTimeSync | undefined, mon: string) => {
  const t = timeSync?.time_skew_status[mon];
  return t ? { skewSeconds: t.skew, latencySeconds: t.latency } : {};
};

function down(health: CephHealth, status: CephStatus | undefined): string[] {
  const found = new Set<string>();
  for (const line of lines(health, 'MON_DOWN')) {
    const m = DOWN_LINE.exec(line);
    if (m?.[1]) found.add(m[1]);
  }
  const quorum = new Set(status?.quorum_names ?? []);
  if (health.checks.MON_DOWN)
    for (const { name } of status?.monmap.mons ?? []) if (!quorum.has(name)) found.add(name);
  return [...found];
}

/** The skewed monitors, then the ones out of quorum, each named once (a skewed one that dropped out is 'down'). */
export function monProblems(
  health: CephHealth,
  timeSync: CephTimeSync | undefined,
  status: CephStatus | undefined,
): MonProblem[] {
  const gone = down(health, status);
  const skews = skewed(health, timeSync).filter((p) => !gone.includes(p.mon));
  return [...skews, ...gone.map((mon): MonProblem => ({ mon, kind: 'down', ...timeOf(timeSync, mon) }))];
}
