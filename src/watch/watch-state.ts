import type { HostErrorCode } from '../errors.js';

/** What the watch says about one host's clock; 'unreachable' covers SSH failures and chronyd not answering. */
export type WatchState = 'ok' | 'warning' | 'critical' | 'unsynchronised' | 'unreachable';

/** One check of one host, as stored and announced. */
export interface Observation {
  /** When the check ran (ms since the epoch). */
  at: number;
  state: WatchState;
  /** chronyc tracking's system time offset: positive = the local clock is slow of NTP time. */
  offsetSeconds?: number;
  /** Address of the selected source (^*). */
  source?: string;
  /** Why, in words, for states other than ok. */
  reason?: string;
  /** What to do next, for states other than ok. */
  hint?: string;
  /** For 'unreachable': why the host could not be checked. */
  errorCode?: HostErrorCode;
  /** For the Ceph watch's record: what the cluster said. */
  ceph?: CephFacts;
}

/** One Ceph health check as the watch keeps it. */
export interface CephFacts {
  health: 'HEALTH_OK' | 'HEALTH_WARN' | 'HEALTH_ERR';
  /** The monitor that answered. */
  monitor: string;
  /** Health check codes, e.g. MON_CLOCK_SKEW. */
  checks: string[];
  /** Each monitor's skew against the leader (time-sync-status), seconds. */
  skews: Record<string, number>;
  /** The skewed monitors, and the inventory hosts they run on. */
  skewed: { mon: string; host?: string }[];
}

/** The rules of the watch: hysteresis and flapping. */
export interface WatchRules {
  /** A new state must be seen this many checks in a row before it is announced. */
  confirmChecks: number;
  /** More than this many announced changes within flapWindowMs makes a host 'flapping'... */
  flapChanges: number;
  flapWindowMs: number;
  /** ...and it stays quiet until one state has held for this many checks in a row. */
  flapStableChecks: number;
}

/** The incident a host is in: from leaving ok until it is back to ok; its alert is the thread's parent. */
export interface Incident {
  id: string;
  openedAt: number;
}

/** What the channel is told; `incident` ties thread replies to their alert. */
export interface Announcement {
  kind: 'alert' | 'change' | 'recovery' | 'flapping' | 'settled';
  host: string;
  incident: string;
  /** The state announced (for flapping: the state last seen). */
  state: WatchState;
  /** The state announced before this one. */
  from: WatchState;
  /** Since when the new state holds: the first of the checks that confirmed it. */
  since: number;
  /** The latest check. */
  observation: Observation;
  /** True when this announcement starts the incident's thread (a new message, not a reply). */
  opens: boolean;
  /** True when it ends the incident. */
  closes: boolean;
  /** For flapping: changes counted within the window. */
  changes?: number;
  /** For recovery: when the incident began. */
  openedAt?: number;
  /** For recovery and settled after flapping: since when the host flapped. */
  flappingSince?: number;
}

/** Everything the watch remembers about a host between checks (kept in Redis as JSON). */
export interface HostRecord {
  host: string;
  /** The state last announced (ok before anything was). */
  state: WatchState;
  since: number;
  /** A different state seen `count` checks in a row, first at `since`. */
  pending?: { state: WatchState; count: number; since: number };
  last?: Observation;
  incident?: Incident;
  /** When announced (or, while flapping, silent) changes happened, within the flapping window. */
  changes: number[];
  /** While flapping: since when, the state the flapping notice named, the state seen last and for how many checks. */
  flapping?: { since: number; announced: WatchState; state: WatchState; stable: number };
  /** Announcements decided but not yet posted, oldest first. */
  outbox: Announcement[];
  /**
   * Alert messages already posted, by incident id: where replies go. grouped: the alert is a reply in the thread of
   * a message about several hosts at once, which one host's recovery does not cross out. joined: the alert went
   * into another incident's thread (a Ceph clock-skew alert and its monitor's chrony alert), left as it is too.
   */
  threads: Record<string, { ts: string; headline: string; grouped?: boolean; joined?: boolean }>;
  /** Who acknowledged which incident, and when: its reminders stop. */
  ack?: { incident: string; by: string; at: number };
  /** The last reminder posted in an incident's thread. */
  reminded?: { incident: string; at: number };
}

export function newRecord(host: string, at: number): HostRecord {
  return { host, state: 'ok', since: at, changes: [], outbox: [], threads: {} };
}
