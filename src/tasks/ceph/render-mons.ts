import type { MonCheck } from '../ceph-cluster/check-mons.js';
import { formatDuration } from '../chrony/format-offset.js';
import { hostLine } from '../chrony/render-host-line.js';
import { type Line, line } from './lines.js';

function head(c: MonCheck): Line {
  const latency = c.latencySeconds !== undefined ? ` (latency ${formatDuration(c.latencySeconds)})` : '';
  // as Ceph prints it (6 significant digits): the number an operator will grep the mon log for
  const skew =
    c.skewSeconds !== undefined ? `clock skew ${Number(c.skewSeconds.toPrecision(6))} s${latency}` : '';
  if (c.kind === 'skew')
    return line('⏱️ ', { bold: `mon.${c.mon}` }, `: ${skew || 'clock skew'} against the leader`);
  return line('🔻 ', { bold: `mon.${c.mon}` }, `: down, out of quorum${skew ? `; last ${skew}` : ''}`);
}

/** What to do next about one monitor, from its chrony state. */
function next(c: MonCheck & { host: string }): Line {
  const badClock = c.chrony?.state !== 'ok';
  if (c.kind === 'skew' || badClock)
    return line(
      '    Next: ',
      { code: `/lab ntp plan ${c.host}` },
      ' to fix its chrony setup, then re-check with ',
      { code: '/lab ceph status' },
      ' (Ceph re-checks skew every 30 s while skewed).',
    );
  return line(
    '    chrony is fine there: check the monitor daemon on ',
    { bold: c.host },
    ' (',
    { code: `systemctl status ceph-mon@${c.mon}` },
    ').',
  );
}

/** Each skewed or down monitor, with the chrony state of its host beside it and the next step. */
export function monLines(checks: readonly MonCheck[]): Line[] {
  return checks.flatMap((c) => {
    if (!c.host)
      return [
        head(c),
        line(
          `    mon.${c.mon} is not in the inventory: add its host (named like the monitor) to ceph_mons to have its chrony checked here.`,
        ),
      ];
    const chrony = c.chrony;
    const ntp = chrony
      ? {
          plain: `    chrony on ${hostLine(chrony, 'plain')}`,
          mrkdwn: `    chrony on ${hostLine(chrony, 'mrkdwn')}`,
        }
      : line(`    host ${c.host}: chrony not checked`);
    return [head(c), ntp, next({ ...c, host: c.host })];
  });
}
