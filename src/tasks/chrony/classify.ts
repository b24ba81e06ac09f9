import type { HostErrorCode } from '../../errors.js';
import { formatOffsetLong } from './format-offset.js';
import type { Tracking } from './parse-tracking.js';
import type { Source } from './source.js';

export type NtpState = 'ok' | 'warning' | 'critical' | 'unsynchronised' | 'error';

/** Worst first: the order hosts are listed in. */
export const STATE_ORDER: readonly NtpState[] = ['error', 'unsynchronised', 'critical', 'warning', 'ok'];

/** Offsets above these (absolute, in milliseconds) make a host 'warning' or 'critical'. */
export interface NtpThresholds {
  warnMs: number;
  critMs: number;
}

/** One host's NTP health, as the summary shows it. */
export interface NtpHostStatus {
  host: string;
  state: NtpState;
  /** Tracking system time: positive = the local clock is slow of NTP time. */
  offsetSeconds?: number;
  /** The source chronyd synchronises to (^*). */
  selected?: Source;
  /** The host's own stratum (tracking). */
  stratum?: number;
  /** Why, in words: for unsynchronised and error, for warning/critical (offset and threshold), and for a local-clock server. */
  reason?: string;
  /** What to do next, for states other than ok. */
  hint?: string;
  /** The HostErrorCode, for 'error'. */
  errorCode?: HostErrorCode;
  /** The raw human `chronyc sources` table, for the thread. */
  sourcesTable?: string;
  /** Set when the host printed more than labops keeps: what was cut (the state was read from what was kept). */
  outputCut?: string;
}

// chronyd's refid while it serves its own clock (`local stratum N`)
const LOCAL_REFID = '7F7F0101';

const CHECK_SOURCES = 'Check the sources with chronyc -n sources -v and chronyc -n sourcestats on the host.';

function listSources(sources: Source[], describe: (s: Source) => string): string {
  const shown = sources.slice(0, 3).map(describe).join(', ');
  return sources.length > 3 ? `${shown}, and ${sources.length - 3} more` : shown;
}

function unsynchronised(host: string, tracking: Tracking, sources: Source[]): NtpHostStatus | undefined {
  const base = { host, state: 'unsynchronised' as const, stratum: tracking.stratum };
  const local = tracking.refId === LOCAL_REFID || tracking.refName === 'LOCAL';
  if (sources.length > 0 && sources.every((s) => s.reach === 0)) {
    const lead = local ? `serving its local clock (stratum ${tracking.stratum}) because ` : '';
    return {
      ...base,
      reason: `${lead}all ${sources.length} sources unreachable (${listSources(sources, (s) => `${s.address} reach ${s.reachRaw}`)})`,
      hint: 'Check the time servers answer on UDP 123 from this host (server down, firewall, wrong address in chrony.conf).',
    };
  }
  if (tracking.leapStatus === 'Not synchronised') {
    if (sources.length === 0) {
      return {
        ...base,
        reason: 'no time sources configured',
        hint: 'Add server lines to chrony.conf (/etc/chrony/chrony.conf on Debian, /etc/chrony.conf on RHEL) and restart chronyd.',
      };
    }
    return {
      ...base,
      reason: `chronyd has not synchronised yet (${listSources(sources, (s) => `${s.address} ${s.state}`)})`,
      hint: `Right after a start this clears within a minute or two. ${CHECK_SOURCES}`,
    };
  }
  if (local) return undefined; // serving local clock: checked by the caller
  if (!sources.some((s) => s.state === 'selected')) {
    return {
      ...base,
      reason: `no source selected (${listSources(sources, (s) => `${s.address} ${s.state}`) || 'no sources'})`,
      hint: `Falsetickers mean the servers disagree; unusable ones have too few samples. ${CHECK_SOURCES}`,
    };
  }
  return undefined;
}

/** Decides one host's NTP state from its chronyc tracking and sources. */
export function classifyNtp(
  host: string,
  tracking: Tracking,
  sources: Source[],
  thresholds: NtpThresholds,
): NtpHostStatus {
  const unsync = unsynchronised(host, tracking, sources);
  if (unsync) return unsync;
  const selected = sources.find((s) => s.state === 'selected');
  const common = { host, offsetSeconds: tracking.systemTimeSeconds, stratum: tracking.stratum, selected };
  if (!selected) {
    // only a server of its local clock gets here: the other cases without a selected source are unsynchronised
    return { ...common, state: 'ok', reason: `serving local clock, stratum ${tracking.stratum}` };
  }

  const offsetMs = Math.abs(tracking.systemTimeSeconds) * 1000;
  const clock = `clock ${formatOffsetLong(tracking.systemTimeSeconds)}`;
  if (offsetMs > thresholds.critMs) {
    return {
      ...common,
      state: 'critical',
      reason: `${clock} (critical above ${thresholds.critMs} ms)`,
      hint: 'chronyd corrects large offsets slowly unless allowed to step: run chronyc makestep on the host, and check makestep in chrony.conf.',
    };
  }
  if (offsetMs > thresholds.warnMs) {
    return {
      ...common,
      state: 'warning',
      reason: `${clock} (warning above ${thresholds.warnMs} ms)`,
      hint: `chronyd should slew this away; if the offset grows instead, the clock or its source is at fault. ${CHECK_SOURCES}`,
    };
  }
  return { ...common, state: 'ok' };
}

/** A host that could not be checked: SSH failed, or chronyc did not answer. */
export function errorStatus(host: string, code: HostErrorCode, message: string, hint: string): NtpHostStatus {
  return { host, state: 'error', errorCode: code, reason: message, hint };
}

const RANK = new Map(STATE_ORDER.map((state, i) => [state, i]));
// one collator for every comparison: localeCompare with options builds one per call (most of a 5000-host sort)
const byName = new Intl.Collator('en', { numeric: true }).compare;

/** Worst state first; hosts of the same state by name ("web-2" before "web-10"). */
export function compareNtpStatus(a: NtpHostStatus, b: NtpHostStatus): number {
  const byState = (RANK.get(a.state) ?? 0) - (RANK.get(b.state) ?? 0);
  return byState || byName(a.host, b.host);
}

/** A sorted copy, worst first. */
export function sortWorstFirst(statuses: readonly NtpHostStatus[]): NtpHostStatus[] {
  return [...statuses].sort(compareNtpStatus);
}
