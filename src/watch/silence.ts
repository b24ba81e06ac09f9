import { UserInputError } from '../errors.js';
import type { HostRecord } from './watch-state.js';

/** A silence: the watch keeps checking and recording the hosts of `scope`, but posts nothing about them. */
export interface Silence {
  /** What was silenced, as typed: a host or a group. */
  scope: string;
  hosts: string[];
  by: string;
  at: number;
  /** Ends at this time (ms since the epoch); absent for a silence until the hosts are back in sync. */
  until?: number;
  reason?: string;
}

export const MAX_SILENCE_MS = 7 * 24 * 3600_000;
const UNIT_MS = { m: 60_000, h: 3600_000, d: 24 * 3600_000 } as const;

/** `30m`, `2h`, `1d` (at most 7 days), or `until-sync`: how long a silence lasts; undefined = until in sync. */
export function parseSilenceDuration(text: string): { ms?: number } {
  if (text.toLowerCase() === 'until-sync') return {};
  const m = /^(\d{1,5})([mhd])$/i.exec(text);
  const ms = m ? Number(m[1]) * UNIT_MS[(m[2] ?? 'm').toLowerCase() as keyof typeof UNIT_MS] : Number.NaN;
  if (!(ms > 0))
    throw new UserInputError(
      `\`${text.slice(0, 20).replace(/[`<>&]/g, "'")}\` is not a duration: use 30m, 2h, 1d (at most 7 days) or until-sync.`,
    );
  if (ms > MAX_SILENCE_MS) throw new UserInputError('A silence lasts at most 7 days (7d).');
  return { ms };
}

/** The silence in force for a host, if any (one until sync holds until the watch ends it). */
export const silenceOf = (silences: readonly Silence[], host: string, now: number) =>
  silences.find((s) => s.hosts.includes(host) && (s.until === undefined || s.until > now));

const inSync = (r: HostRecord | undefined) => r !== undefined && r.state === 'ok' && !r.flapping;

/** Silences that end now: their time is up, or (until sync) every host of theirs is back in sync. */
export function endedSilences(
  silences: readonly Silence[],
  records: ReadonlyMap<string, HostRecord>,
  now: number,
): Silence[] {
  return silences.filter((s) =>
    s.until !== undefined ? s.until <= now : s.hosts.every((h) => inSync(records.get(h))),
  );
}

/**
 * A host taken out of the other silences in force that cover it (a group's): each goes on for its other hosts
 * (`narrowed`), or ends when that host was its last (`ended`).
 */
export function liftForHost(
  silences: readonly Silence[],
  host: string,
  now: number,
): { narrowed: Silence[]; ended: Silence[] } {
  const covering = silences.filter(
    (s) => s.scope !== host && s.hosts.includes(host) && (s.until === undefined || s.until > now),
  );
  const rest = covering.map((s) => ({ ...s, hosts: s.hosts.filter((h) => h !== host) }));
  return {
    narrowed: rest.filter((s) => s.hosts.length > 0),
    ended: rest.filter((s) => s.hosts.length === 0),
  };
}
