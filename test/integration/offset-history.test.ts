import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DAY_MS, dayOf, encodeDay } from '../../src/watch/compact-points.js';
import { encodePoint, OffsetHistory, type OffsetPoint } from '../../src/watch/offset-history.js';

// The history's two tiers on a real Redis: the last hour raw, older checks moved into a compact string per host per
// UTC day; a history written by the sorted-set-only labops (7 days raw) read and moved without losing a point.
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Just after midnight UTC, a few days ago: the history crosses days. */
const NOW = (dayOf(Date.now()) - 1) * DAY_MS + 3 * HOUR;
const offsetAt = (t: number) => (Math.round(Math.sin(t / HOUR) * 300) + ((t / MINUTE) % 7)) / 1e6; // whole µs

describe('the offset history in Redis', () => {
  let redis: Redis;
  const prefix = `labops-test-history-${process.pid}`;
  const raw = (host: string) => `${prefix}:drift:history:${host}`;
  const dayKeys = async (host: string) => (await redis.keys(`${prefix}:drift:history-day:*:${host}`)).sort();

  beforeAll(() => {
    redis = new Redis(inject('redisUrl'));
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`); // its own keys and those of its -seal, -old, -torn histories
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  /** Checks every minute from `from` to `to`, host h1 ok with an offset, h2 unreachable every 10th check. */
  const write = async (history: OffsetHistory, from: number, to: number) => {
    const written: OffsetPoint[] = [];
    for (let at = from; at <= to; at += MINUTE) {
      const p = { at, state: 'ok' as const, offsetSeconds: offsetAt(at) };
      written.push(p);
      await history.add([
        { host: 'h1', observation: p },
        {
          host: 'h2',
          observation:
            (at / MINUTE) % 10 === 0
              ? { at, state: 'unreachable' }
              : { at, state: 'warning', offsetSeconds: 0.2 },
        },
      ]);
    }
    return written;
  };

  it('keeps the last hour raw and older checks compact, and reads them back as one series', async () => {
    const history = new OffsetHistory(redis, prefix);
    const from = NOW - 5 * HOUR;
    const written = await write(history, from, NOW);
    // the raw tier: the last hour, members as before
    expect(await redis.zcard(raw('h1'))).toBe(61);
    expect(await redis.zrange(raw('h1'), 0, 0)).toEqual([encodePoint(written.at(-61) as OffsetPoint)]);
    // the compact tier: the rest, 11 bytes a check, in the days it falls in
    expect(await dayKeys('h1')).toEqual(
      [dayOf(from), dayOf(NOW)].map((d) => `${prefix}:drift:history-day:${d}:h1`),
    );
    const compactBytes = (await Promise.all((await dayKeys('h1')).map((k) => redis.strlen(k)))).reduce(
      (a, b) => a + b,
    );
    expect(compactBytes).toBe((written.length - 61) * 11);
    expect(await redis.pttl((await dayKeys('h1'))[0] ?? '')).toBeGreaterThan(0);

    const read = await history.read(['h1', 'h2', 'nobody'], from, NOW);
    expect(read.get('h1')).toEqual(written);
    const h2 = read.get('h2') ?? [];
    expect(h2).toHaveLength(written.length);
    expect(h2.filter((p) => p.state === 'unreachable').every((p) => p.offsetSeconds === undefined)).toBe(
      true,
    );
    expect(h2.filter((p) => p.state === 'warning').every((p) => p.offsetSeconds === 0.2)).toBe(true);
    expect(read.get('nobody')).toEqual([]);
    // a range inside the compact tier, and one across both
    const mid = await history.read(['h1'], from + HOUR, from + 2 * HOUR);
    expect(mid.get('h1')).toEqual(written.filter((p) => p.at >= from + HOUR && p.at <= from + 2 * HOUR));
    const across = await history.read(['h1'], NOW - 2 * HOUR, NOW);
    expect(across.get('h1')).toEqual(written.filter((p) => p.at >= NOW - 2 * HOUR));
  });

  it('writes a completed day at its size, without the room Redis keeps for appends', async () => {
    const history = new OffsetHistory(redis, `${prefix}-seal`);
    const first = dayOf(NOW) - 2;
    await write(history, first * DAY_MS, first * DAY_MS + DAY_MS + 2 * HOUR);
    const key = `${prefix}-seal:drift:history-day:${first}:h1`;
    expect(await redis.strlen(key)).toBe(1440 * 11);
    const usage = Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
    expect(usage).toBeLessThan(1440 * 11 * 1.1); // an appended string of this size holds up to twice that
  });

  it('reads a history the sorted-set-only labops wrote, and moves it into the compact tier without losing a check', async () => {
    const history = new OffsetHistory(redis, `${prefix}-old`);
    const key = `${prefix}-old:drift:history:h1`;
    // 4 days of checks a minute, as the old labops kept them
    const from = NOW - 4 * 24 * HOUR;
    const old: OffsetPoint[] = [];
    for (let at = from; at < NOW; at += MINUTE) old.push({ at, state: 'ok', offsetSeconds: offsetAt(at) });
    for (let i = 0; i < old.length; i += 1000)
      await redis.zadd(key, ...old.slice(i, i + 1000).flatMap((p) => [p.at, encodePoint(p)]));
    await redis.zadd(key, from - 1, 'garbage');
    // an upgraded reader reads it as it is
    expect((await history.read(['h1'], from, NOW)).get('h1')).toEqual(old);

    // each write moves at most 2000 aged checks; meanwhile the reader sees every check once
    const added: OffsetPoint[] = [];
    const check = async (at: number) => {
      const p = { at, state: 'critical' as const, offsetSeconds: 3.25 };
      added.push(p);
      await history.add([{ host: 'h1', observation: p }]);
    };
    await check(NOW);
    expect(await redis.zcard(key)).toBe(old.length + 2 - 2000); // the garbage member was the first to go
    expect((await history.read(['h1'], from, NOW)).get('h1')).toEqual([...old, ...added]);
    for (let at = NOW + MINUTE; (await redis.zcard(key)) > 61; at += MINUTE) await check(at);
    expect(added.length).toBeLessThan(6);
    expect(await redis.zcard(key)).toBeLessThanOrEqual(61);
    const all = (await history.read(['h1'], from, NOW + HOUR)).get('h1') ?? [];
    expect(all).toEqual([...old, ...added]);
  });

  it('reads a check found in both tiers once, and skips a torn record', async () => {
    const history = new OffsetHistory(redis, `${prefix}-torn`);
    const at = NOW - 3 * HOUR;
    const p: OffsetPoint = { at, state: 'ok', offsetSeconds: 0.000042 };
    const q: OffsetPoint = { at: at + MINUTE, state: 'warning', offsetSeconds: 0.15 };
    const dayKey = `${prefix}-torn:drift:history-day:${dayOf(at)}:h1`;
    // a move interrupted between its append and its removal, then a record cut short
    await redis.append(dayKey, encodeDay(dayOf(at), [p, q]));
    await redis.append(dayKey, encodeDay(dayOf(at), [q]).subarray(0, 7));
    await redis.zadd(`${prefix}-torn:drift:history:h1`, at, encodePoint(p));
    expect((await history.read(['h1'], at - HOUR, at + HOUR)).get('h1')).toEqual([p, q]);
  });
});
