import type { WatchState } from './watch-state.js';

/** One check of one host in the history: what the chart draws. */
export interface OffsetPoint {
  at: number;
  state: WatchState;
  /** Absent when the host could not be checked or had no offset. */
  offsetSeconds?: number;
}

/**
 * The history's compact tier: one check in 11 bytes, big-endian, appended to one string per host per UTC day.
 * - uint32: milliseconds since the day's start (0 to 86,399,999);
 * - uint8: the state (an index into STATES);
 * - int48: the offset in whole microseconds (about ±4.4 years), ABSENT when the check had none.
 * Pure: the encoding and its reading, nothing of Redis.
 */
export const RECORD_BYTES = 11;
export const DAY_MS = 24 * 3600_000;

const STATES: readonly WatchState[] = ['ok', 'warning', 'critical', 'unsynchronised', 'unreachable'];
const MAX_MICROS = 2 ** 47 - 1;
const ABSENT = -(2 ** 47);

export const isWatchState = (s: string): s is WatchState => (STATES as readonly string[]).includes(s);

/** The UTC day a time falls in, as a day number since the epoch. */
export const dayOf = (at: number) => Math.floor(at / DAY_MS);

/** Points of one day, each as its 11-byte record; points of another day or with an unknown state are left out. */
export function encodeDay(day: number, points: readonly OffsetPoint[]): Buffer {
  const start = day * DAY_MS;
  const fit = points.filter((p) => dayOf(p.at) === day && STATES.includes(p.state));
  const buf = Buffer.alloc(fit.length * RECORD_BYTES);
  fit.forEach((p, i) => {
    const o = i * RECORD_BYTES;
    buf.writeUInt32BE(Math.round(p.at - start), o);
    buf.writeUInt8(STATES.indexOf(p.state), o + 4);
    const micros =
      p.offsetSeconds === undefined || !Number.isFinite(p.offsetSeconds)
        ? ABSENT
        : Math.max(-MAX_MICROS, Math.min(MAX_MICROS, Math.round(p.offsetSeconds * 1e6)));
    buf.writeIntBE(micros, o + 5, 6);
  });
  return buf;
}

/**
 * The points of one day's string. What is not a whole record (a torn tail) or names no known state, or lies outside
 * the day, is skipped: the string comes from Redis, not from this code alone.
 */
export function decodeDay(day: number, buf: Buffer): OffsetPoint[] {
  const start = day * DAY_MS;
  const points: OffsetPoint[] = [];
  for (let o = 0; o + RECORD_BYTES <= buf.length; o += RECORD_BYTES) {
    const ms = buf.readUInt32BE(o);
    const state = STATES[buf.readUInt8(o + 4)];
    if (state === undefined || ms >= DAY_MS) continue;
    const micros = buf.readIntBE(o + 5, 6);
    const point: OffsetPoint = { at: start + ms, state };
    if (micros !== ABSENT) point.offsetSeconds = micros / 1e6;
    points.push(point);
  }
  return points;
}

/** Points grouped by their UTC day. */
export function byDay(points: readonly OffsetPoint[]): Map<number, OffsetPoint[]> {
  const days = new Map<number, OffsetPoint[]>();
  for (const p of points) {
    const day = dayOf(p.at);
    const list = days.get(day) ?? [];
    list.push(p);
    days.set(day, list);
  }
  return days;
}

/**
 * One series in time order with one point per check: a check found in both tiers (a move interrupted between its
 * two writes) or written twice (a shard run again) counts once, the later source (the raw tier) winning.
 */
export function mergePoints(...sources: ReadonlyArray<readonly OffsetPoint[]>): OffsetPoint[] {
  const at = new Map<number, OffsetPoint>();
  for (const source of sources) for (const p of source) at.set(p.at, p);
  return [...at.values()].sort((a, b) => a.at - b.at);
}
