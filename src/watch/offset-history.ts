import type { Redis } from 'ioredis';
import type { Observation, WatchState } from './watch-state.js';

/** One check of one host in the history: what the chart draws. */
export interface OffsetPoint {
  at: number;
  state: WatchState;
  /** Absent when the host could not be checked or had no offset. */
  offsetSeconds?: number;
}

/** How long the history keeps a check. */
export const HISTORY_MS = 7 * 24 * 3600_000;

/** "at|state|offset": the time makes every member unique. */
export function encodePoint(p: OffsetPoint): string {
  return `${p.at}|${p.state}|${p.offsetSeconds ?? ''}`;
}

export function decodePoint(member: string): OffsetPoint | undefined {
  const [at, state, offset] = member.split('|');
  if (!at || !state) return undefined;
  const point: OffsetPoint = { at: Number(at), state: state as WatchState };
  if (offset) point.offsetSeconds = Number(offset);
  return Number.isFinite(point.at) ? point : undefined;
}

/** Every check's offset per host, in a sorted set by time, trimmed to the last 7 days on every write. */
export class OffsetHistory {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly keepMs = HISTORY_MS,
  ) {}

  private key = (host: string) => `${this.prefix}:drift:history:${host}`;

  async add(points: ReadonlyArray<{ host: string; observation: Observation }>): Promise<void> {
    const pipe = this.redis.pipeline();
    for (const { host, observation: o } of points) {
      const key = this.key(host);
      pipe.zadd(key, o.at, encodePoint({ at: o.at, state: o.state, offsetSeconds: o.offsetSeconds }));
      pipe.zremrangebyscore(key, '-inf', `(${o.at - this.keepMs}`);
      pipe.pexpire(key, this.keepMs);
    }
    await pipe.exec();
  }

  async read(hosts: readonly string[], from: number, to: number): Promise<Map<string, OffsetPoint[]>> {
    const pipe = this.redis.pipeline();
    for (const h of hosts) pipe.zrangebyscore(this.key(h), from, to);
    const rows = (await pipe.exec()) ?? [];
    return new Map(
      hosts.map((h, i) => {
        const members = (rows[i]?.[1] as string[] | undefined) ?? [];
        return [h, members.map(decodePoint).filter((p): p is OffsetPoint => p !== undefined)];
      }),
    );
  }
}
