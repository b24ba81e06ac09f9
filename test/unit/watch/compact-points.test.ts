import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  dayOf,
  decodeDay,
  encodeDay,
  mergePoints,
  RECORD_BYTES,
} from '../../../src/watch/compact-points.js';
import { decodePoint } from '../../../src/watch/offset-history.js';

const day = dayOf(Date.UTC(2026, 11, 7, 12));
const start = day * DAY_MS;

describe("the offset history's compact tier", () => {
  it('keeps time to the millisecond, the state, and the offset to the microsecond', () => {
    const points = [
      { at: start, state: 'ok' as const, offsetSeconds: 0.000012345 },
      { at: start + 61_234, state: 'critical' as const, offsetSeconds: -3.000011 },
      { at: start + 120_000, state: 'unreachable' as const },
      { at: start + DAY_MS - 1, state: 'unsynchronised' as const, offsetSeconds: 0 },
      { at: start + 5, state: 'warning' as const, offsetSeconds: 86_400 * 365 * 3.5 },
    ];
    const buf = encodeDay(day, points);
    expect(buf.length).toBe(points.length * RECORD_BYTES);
    expect(decodeDay(day, buf)).toEqual([
      { at: start, state: 'ok', offsetSeconds: 0.000012 },
      { at: start + 61_234, state: 'critical', offsetSeconds: -3.000011 },
      { at: start + 120_000, state: 'unreachable' },
      { at: start + DAY_MS - 1, state: 'unsynchronised', offsetSeconds: 0 },
      { at: start + 5, state: 'warning', offsetSeconds: 86_400 * 365 * 3.5 },
    ]);
  });

  it('leaves out points of another day and states it does not know, and clamps offsets beyond ±4 years', () => {
    const buf = encodeDay(day, [
      { at: start - 1, state: 'ok', offsetSeconds: 1 },
      { at: start + DAY_MS, state: 'ok', offsetSeconds: 1 },
      { at: start + 1, state: 'bogus' as never, offsetSeconds: 1 },
      { at: start + 2, state: 'ok', offsetSeconds: -1e12 },
      { at: start + 3, state: 'ok', offsetSeconds: Number.NaN },
    ]);
    const points = decodeDay(day, buf);
    expect(points.map((p) => p.at)).toEqual([start + 2, start + 3]);
    expect(points[0]?.offsetSeconds).toBeCloseTo(-(2 ** 47 - 1) / 1e6, 0);
    expect(points[1]?.offsetSeconds).toBeUndefined();
  });

  it('skips what Redis holds that is not a whole record of this day', () => {
    const good = encodeDay(day, [{ at: start + 7, state: 'ok', offsetSeconds: 0.5 }]);
    const badState = Buffer.from(good);
    badState.writeUInt8(9, 4);
    const badTime = Buffer.from(good);
    badTime.writeUInt32BE(DAY_MS, 0);
    const torn = Buffer.concat([badState, badTime, good, good.subarray(0, 6)]);
    expect(decodeDay(day, torn)).toEqual([{ at: start + 7, state: 'ok', offsetSeconds: 0.5 }]);
    expect(decodeDay(day, Buffer.alloc(0))).toEqual([]);
  });

  it('merges the tiers into one point per check, in time order, the raw tier winning', () => {
    const compact = [
      { at: 30, state: 'ok' as const, offsetSeconds: 0.000001 },
      { at: 10, state: 'ok' as const, offsetSeconds: 0.1 },
    ];
    const raw = [
      { at: 30, state: 'ok' as const, offsetSeconds: 0.000001234 },
      { at: 20, state: 'warning' as const, offsetSeconds: 0.2 },
    ];
    expect(mergePoints(compact, raw)).toEqual([
      { at: 10, state: 'ok', offsetSeconds: 0.1 },
      { at: 20, state: 'warning', offsetSeconds: 0.2 },
      { at: 30, state: 'ok', offsetSeconds: 0.000001234 },
    ]);
  });
});

describe("the offset history's raw tier", () => {
  it('reads only members that name a known state and a number', () => {
    expect(decodePoint('5|ok|0.25')).toEqual({ at: 5, state: 'ok', offsetSeconds: 0.25 });
    expect(decodePoint('5|sideways|0.25')).toBeUndefined();
    expect(decodePoint('x|ok|0.25')).toBeUndefined();
    expect(decodePoint('5|warning|NaNish')).toEqual({ at: 5, state: 'warning' });
  });
});
