import type { HostRecord } from './watch-state.js';

/** The states whose alerts are critical: a clock far off, not synchronised at all, or not answering. */
const CRITICAL = new Set(['critical', 'unsynchronised', 'unreachable']);

/**
 * Whether an open critical alert is due a reminder in its thread: nobody acknowledged its incident, it is not
 * silenced, and remindMs passed since it began or since the last reminder. remindMs 0 = never.
 */
export function reminderDue(record: HostRecord, now: number, remindMs: number, silenced: boolean): boolean {
  const incident = record.incident;
  if (remindMs <= 0 || silenced || !incident || !CRITICAL.has(record.state) || record.flapping) return false;
  if (!record.threads[incident.id] || record.ack?.incident === incident.id) return false;
  const last = record.reminded?.incident === incident.id ? record.reminded.at : record.since;
  return now - last >= remindMs;
}
