import type { ChatMessage } from '../../chat/message.js';
import type { MonCheck } from '../ceph-cluster/check-mons.js';
import type { CephReading, MonFailure } from '../ceph-cluster/read-ceph.js';
import { line, message } from './lines.js';
import { clusterLines } from './render-cluster.js';
import { failureLines } from './render-failures.js';
import { countChecks, HEALTH_EMOJI, healthLines } from './render-health.js';
import { monLines } from './render-mons.js';

/** `/lab ceph status|health`: which, and from where. */
export interface CephReport {
  what: 'status' | 'health';
  reading: CephReading;
  mons: readonly MonCheck[];
  /** Monitors asked before the one that answered. */
  failed: readonly MonFailure[];
}

function footer(r: CephReport) {
  const before = r.failed.length > 0 ? ` after ${r.failed.map((f) => f.host).join(', ')} did not` : '';
  return line(`Answered by ${r.reading.monitor}${before}. The raw JSON is in the thread.`);
}

/** The whole answer: health with every check, cluster numbers, skewed/down monitors with chrony, who answered. */
export function renderCephReport(r: CephReport): ChatMessage {
  const { reading } = r;
  const health = reading.health;
  const title = r.what === 'status' ? 'Ceph status' : 'Ceph health';
  const head = line(
    { bold: title },
    `: ${HEALTH_EMOJI[health.status]} ${health.status} (${countChecks(health)}), from ${reading.monitor}`,
  );
  return message(
    [
      [head],
      healthLines(health),
      reading.status && r.what === 'status' ? clusterLines(reading.status) : [],
      monLines(r.mons),
      reading.notes.map((n) => line(`ℹ️ ${n}`)),
      failureLines(r.failed),
    ],
    footer(r),
  );
}

/** No monitor answered: each one and why, and what to do. */
export function renderNoMonitor(
  what: 'status' | 'health',
  label: string,
  failed: readonly MonFailure[],
): ChatMessage {
  const title = what === 'status' ? 'Ceph status' : 'Ceph health';
  return message(
    [
      [line({ bold: title }, `: failed, no monitor of ${label} answered (${failed.length} asked)`)],
      failureLines(failed),
    ],
    line(
      'labops asks the monitors one by one (by name) and stops at the first that answers; fix one of the above.',
    ),
  );
}
