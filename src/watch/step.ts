import {
  type Announcement,
  type HostRecord,
  newRecord,
  type Observation,
  type WatchRules,
  type WatchState,
} from './watch-state.js';

export interface StepResult {
  record: HostRecord;
  /** What to tell the channel because of this check: at most one. */
  announcements: Announcement[];
}

interface Change {
  from: WatchState;
  to: WatchState;
  since: number;
}

/**
 * The watch's state machine, pure: the host's record and one new check give the next record and what to announce.
 * - Hysteresis: a state other than the announced one must be seen `confirmChecks` checks in a row.
 * - Incidents: leaving ok opens one (an alert); changes between bad states reply in its thread; ok again closes it.
 * - Flapping: when a change would be the (flapChanges+1)th within flapWindowMs, one "flapping" notice replaces it;
 *   then nothing until one state held flapStableChecks checks in a row, which is announced once.
 * - A check older than the last one seen (a late, overlapping tick) changes nothing.
 */
export function step(
  prev: HostRecord | undefined,
  obs: Observation,
  rules: WatchRules,
  host: string,
): StepResult {
  const rec = prev ?? newRecord(host, obs.at);
  if (rec.last && obs.at <= rec.last.at) return { record: rec, announcements: [] };
  const next: HostRecord = {
    ...rec,
    last: obs,
    changes: rec.changes.filter((t) => obs.at - t < rules.flapWindowMs),
  };
  const change = confirm(next, obs, rules.confirmChecks);
  if (next.flapping) return whileFlapping(next, obs, rules);
  if (!change) return { record: next, announcements: [] };
  if (next.changes.length > rules.flapChanges) return startFlapping(next, change, obs);
  return announce(next, change, obs);
}

/** Hysteresis: updates `pending` and, once a new state is confirmed, the record's state. */
function confirm(next: HostRecord, obs: Observation, confirmChecks: number): Change | undefined {
  if (obs.state === next.state) {
    next.pending = undefined;
    return undefined;
  }
  const pending =
    next.pending?.state === obs.state
      ? { ...next.pending, count: next.pending.count + 1 }
      : { state: obs.state, count: 1, since: obs.at };
  if (pending.count < confirmChecks) {
    next.pending = pending;
    return undefined;
  }
  const change = { from: next.state, to: obs.state, since: pending.since };
  next.state = obs.state;
  next.since = pending.since;
  next.pending = undefined;
  next.changes = [...next.changes, obs.at];
  return change;
}

function announcement(
  next: HostRecord,
  kind: Announcement['kind'],
  incident: string,
  fields: Pick<Announcement, 'state' | 'from' | 'since' | 'observation'> & Partial<Announcement>,
): Announcement {
  return { kind, host: next.host, incident, opens: false, closes: false, ...fields };
}

function openIncident(next: HostRecord, at: number): string {
  next.incident ??= { id: `${next.host}@${at}`, openedAt: at };
  return next.incident.id;
}

function announce(next: HostRecord, change: Change, obs: Observation): StepResult {
  const fields = { state: change.to, from: change.from, since: change.since, observation: obs };
  if (change.to === 'ok') {
    const incident = next.incident;
    next.incident = undefined;
    if (!incident) return { record: next, announcements: [] };
    const a = announcement(next, 'recovery', incident.id, {
      ...fields,
      closes: true,
      openedAt: incident.openedAt,
    });
    return { record: next, announcements: [a] };
  }
  const opens = !next.incident;
  const id = openIncident(next, change.since);
  const a = announcement(next, opens ? 'alert' : 'change', id, { ...fields, opens });
  return { record: next, announcements: [a] };
}

function startFlapping(next: HostRecord, change: Change, obs: Observation): StepResult {
  const opens = !next.incident;
  const id = openIncident(next, change.since);
  next.flapping = { since: obs.at, announced: change.to, state: obs.state, stable: 1 };
  const a = announcement(next, 'flapping', id, {
    state: change.to,
    from: change.from,
    since: change.since,
    observation: obs,
    opens,
    changes: next.changes.length,
  });
  return { record: next, announcements: [a] };
}

function whileFlapping(next: HostRecord, obs: Observation, rules: WatchRules): StepResult {
  const flapping = next.flapping;
  if (!flapping) return { record: next, announcements: [] };
  const stable = flapping.state === obs.state ? flapping.stable + 1 : 1;
  // at least confirmChecks, so that the state it settles on is the confirmed one
  if (stable < Math.max(rules.flapStableChecks, rules.confirmChecks)) {
    next.flapping = { ...flapping, state: obs.state, stable };
    return { record: next, announcements: [] };
  }
  next.flapping = undefined;
  next.changes = [];
  const incident = next.incident ?? { id: `${next.host}@${flapping.since}`, openedAt: flapping.since };
  const fields = {
    state: next.state,
    from: flapping.announced,
    since: next.since,
    observation: obs,
    flappingSince: flapping.since,
  };
  if (next.state === 'ok') {
    next.incident = undefined;
    const a = announcement(next, 'recovery', incident.id, {
      ...fields,
      closes: true,
      openedAt: incident.openedAt,
    });
    return { record: next, announcements: [a] };
  }
  next.incident = incident;
  return { record: next, announcements: [announcement(next, 'settled', incident.id, fields)] };
}
