import type { Announcement } from './watch-state.js';

/** One PagerDuty Events API v2 event (https://developer.pagerduty.com/docs/events-api-v2/overview/). */
export interface PagerEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  payload?: { summary: string; source: string; severity: 'critical' | 'error' | 'warning' | 'info' };
}

/** States whose alerts page: a clock far off, not synchronised, or not answering. */
export const PAGED_STATES = new Set(['critical', 'unsynchronised', 'unreachable']);

/** One dedup key per host and incident: trigger, acknowledge and resolve all name it. */
export const dedupKey = (incident: string) => `labops-drift-${incident}`;

/** What PagerDuty is told about a posted (or, while silenced, dropped) announcement, if anything. */
export function pagerEventOf(a: Announcement, routingKey: string): PagerEvent | undefined {
  const dedup_key = dedupKey(a.incident);
  if (a.closes) return { routing_key: routingKey, event_action: 'resolve', dedup_key };
  if (!a.opens || !PAGED_STATES.has(a.state)) return undefined;
  const why = a.observation.reason ? `: ${a.observation.reason}` : '';
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key,
    payload: {
      summary: `${a.host} clock ${a.state}${why}`.slice(0, 1024),
      source: a.host,
      severity: 'critical',
    },
  };
}

export const ackEvent = (incident: string, routingKey: string): PagerEvent => ({
  routing_key: routingKey,
  event_action: 'acknowledge',
  dedup_key: dedupKey(incident),
});

/** One dedup key per Ceph cluster and incident (a cluster's MON_CLOCK_SKEW or HEALTH_ERR, until HEALTH_OK). */
export const cephDedupKey = (cluster: string, incident: string) => `labops-ceph-${cluster}-${incident}`;

export const cephAckEvent = (cluster: string, incident: string, routingKey: string): PagerEvent => ({
  routing_key: routingKey,
  event_action: 'acknowledge',
  dedup_key: cephDedupKey(cluster, incident),
});

/**
 * What PagerDuty is told about a posted Ceph announcement: a new Ceph alert triggers (HEALTH_ERR as critical,
 * MON_CLOCK_SKEW as warning, for PagerDuty's urgency rules to tell apart), its recovery resolves.
 */
export function cephPagerEventOf(
  a: Announcement,
  cluster: string,
  routingKey: string,
): PagerEvent | undefined {
  const dedup_key = cephDedupKey(cluster, a.incident);
  if (a.closes) return { routing_key: routingKey, event_action: 'resolve', dedup_key };
  if (!a.opens) return undefined;
  const why = a.observation.reason ?? a.state;
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key,
    payload: {
      summary: `Ceph cluster ${cluster}: ${why}`.slice(0, 1024),
      source: a.observation.ceph?.monitor ?? cluster,
      severity: a.state === 'critical' ? 'critical' : 'warning',
    },
  };
}
