import type { Redis } from 'ioredis';
import type { OffsetPoint } from './compact-points.js';
import { byDay, DAY_MS, dayOf, decodeDay, encodeDay, isWatchState, mergePoints } from './compact-points.js';
import type { Observation } from './watch-state.js';

export type { OffsetPoint } from './compact-points.js';

/** How long the history keeps a check. */
export const HISTORY_MS = 7 * 24 * 3600_000;

/** "at|state|offset": the time makes every member unique. */
export function encodePoint(p: OffsetPoint): string {
  return `${p.at}|${p.state}|${p.offsetSeconds ?? ''}`;
}

/** A member of the raw tier, or undefined when it is not one (it comes from Redis: a state it names must be known). */
export function decodePoint(member: string): OffsetPoint | undefined {
  const [at, state, offset] = member.split('|');
  if (!at || !state || !isWatchState(state)) return undefined;
  const point: OffsetPoint = { at: Number(at), state };
  if (offset && Number.isFinite(Number(offset))) point.offsetSeconds = Number(offset);
  return Number.isFinite(point.at) ? point : undefined;
}

/** How long a check stays in the raw tier: about 60 checks at the default interval, which Redis keeps packed. */
export const RAW_MS = 3600_000;

/** A string rewritten at its own size (an APPENDed string keeps room to grow), its expiry kept; nothing if absent. */
const SEAL = `local v = redis.call('GET', KEYS[1])
if v then redis.call('SET', KEYS[1], v, 'KEEPTTL') end
return 0`;

/** At most this many checks move from the raw tier per host per write (an old 7-day history moves over a few). */
const MOVE_LIMIT = 2000;

/**
 * Every check's offset per host, in two tiers:
 * - raw: the last hour's checks in a sorted set by time (`drift:history:<host>`, "at|state|offset" members), as
 *   before: what a check wrote is there to see;
 * - compact: older checks, 11 bytes each (compact-points.ts), appended to one string per host per UTC day
 *   (`drift:history-day:<day>:<host>`), which expires once its last check is older than the retention.
 * Each write moves the checks that aged out of the raw tier into the compact one: appended first, then removed, so
 * an interruption leaves a check in both (read once) rather than in neither. A sorted set from before the compact
 * tier (7 days of raw checks) is moved the same way, MOVE_LIMIT checks a write, and read from both tiers meanwhile.
 */
export class OffsetHistory {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly keepMs = HISTORY_MS,
    private readonly rawMs = RAW_MS,
  ) {}

  private key = (host: string) => `${this.prefix}:drift:history:${host}`;
  private dayKey = (host: string, day: number) => `${this.prefix}:drift:history-day:${day}:${host}`;

  async add(points: ReadonlyArray<{ host: string; observation: Observation }>): Promise<void> {
    const pipe = this.redis.pipeline();
    for (const { host, observation: o } of points) {
      const key = this.key(host);
      pipe.zadd(key, o.at, encodePoint({ at: o.at, state: o.state, offsetSeconds: o.offsetSeconds }));
      pipe.pexpire(key, this.keepMs);
      pipe.zrangebyscore(key, '-inf', `(${o.at - this.rawMs}`, 'LIMIT', 0, MOVE_LIMIT);
    }
    const rows = (await pipe.exec()) ?? [];
    const move = this.redis.pipeline();
    const appends: Array<{ host: string; day: number; bytes: number; index: number }> = [];
    points.forEach(({ host, observation: o }, i) => {
      const aged = (rows[i * 3 + 2]?.[1] as string[] | undefined) ?? [];
      if (aged.length === 0) return;
      const kept = aged
        .map(decodePoint)
        .filter((p): p is OffsetPoint => p !== undefined && p.at >= o.at - this.keepMs);
      for (const [day, dayPoints] of byDay(kept)) {
        const dayKey = this.dayKey(host, day);
        const record = encodeDay(day, dayPoints);
        appends.push({ host, day, bytes: record.length, index: move.length });
        move.append(dayKey, record);
        move.pexpireat(dayKey, (day + 1) * DAY_MS + this.keepMs);
      }
      // the members themselves, so a check added meanwhile is not removed unmoved; unreadable ones go too
      move.zrem(this.key(host), ...aged);
    });
    if (move.length === 0) return;
    const moved = (await move.exec()) ?? [];
    // a day string just begun means the day before is complete: it is rewritten at its size, without the room
    // Redis keeps for further appends (up to as much again)
    const sealed = new Set(
      appends.filter((a) => moved[a.index]?.[1] === a.bytes).map((a) => this.dayKey(a.host, a.day - 1)),
    );
    if (sealed.size === 0) return;
    const seal = this.redis.pipeline();
    for (const key of sealed) seal.eval(SEAL, 1, key);
    await seal.exec();
  }

  async read(hosts: readonly string[], from: number, to: number): Promise<Map<string, OffsetPoint[]>> {
    // the days [from, to] spans, no more than the retention holds
    const last = dayOf(to);
    const first = Math.max(dayOf(from), last - Math.ceil(this.keepMs / DAY_MS) - 1);
    const days = Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
    const pipe = this.redis.pipeline();
    for (const h of hosts) {
      pipe.zrangebyscore(this.key(h), from, to);
      for (const day of days) pipe.getBuffer(this.dayKey(h, day));
    }
    const rows = (await pipe.exec()) ?? [];
    const per = 1 + days.length;
    return new Map(
      hosts.map((h, i) => {
        const members = (rows[i * per]?.[1] as string[] | undefined) ?? [];
        const raw = members.map(decodePoint).filter((p): p is OffsetPoint => p !== undefined);
        const compact = days.flatMap((day, d) => {
          const buf = rows[i * per + 1 + d]?.[1];
          return Buffer.isBuffer(buf) ? decodeDay(day, buf) : [];
        });
        const inRange = compact.filter((p) => p.at >= from && p.at <= to);
        return [h, mergePoints(inRange, raw)];
      }),
    );
  }
}
