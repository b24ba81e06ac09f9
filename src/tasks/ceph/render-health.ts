import type { CephCheck, CephHealth } from '../ceph-cluster/parse-ceph.js';
import { type Line, line } from './lines.js';

export const HEALTH_EMOJI: Readonly<Record<CephHealth['status'], string>> = {
  HEALTH_OK: '✅',
  HEALTH_WARN: '⚠️',
  HEALTH_ERR: '🔴',
};

const RANK = { HEALTH_ERR: 0, HEALTH_WARN: 1, HEALTH_OK: 2 } as const;
// a PG check can carry thousands of detail lines; the raw JSON in the thread has them all
const DETAIL_LINES = 8;

function checkLines(code: string, check: CephCheck): Line[] {
  const muted = check.muted ? ' (muted)' : '';
  const head = line(
    `${HEALTH_EMOJI[check.severity]} `,
    { bold: code },
    ` (${check.severity}${muted}): ${check.summary.message}`,
  );
  const detail = check.detail ?? [];
  const more = detail.length - DETAIL_LINES;
  return [
    head,
    ...detail.slice(0, DETAIL_LINES).map((d) => line(`    • ${d.message}`)),
    ...(more > 0 ? [line(`    • …and ${more} more (see the raw JSON in the thread)`)] : []),
  ];
}

/** Every health check, worst severity first then by code, with its detail lines. */
export function healthLines(health: CephHealth): Line[] {
  const checks = Object.entries(health.checks).sort(
    ([a, x], [b, y]) => RANK[x.severity] - RANK[y.severity] || a.localeCompare(b),
  );
  if (checks.length === 0) return [line('No health checks raised.')];
  return checks.flatMap(([code, check]) => checkLines(code, check));
}

/** "1 check" / "3 checks". */
export const countChecks = (health: CephHealth) => {
  const n = Object.keys(health.checks).length;
  return n === 1 ? '1 check' : `${n} checks`;
};
