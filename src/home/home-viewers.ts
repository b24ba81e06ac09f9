import type { Redis } from 'ioredis';

/** How long a user who opened the App Home keeps getting it refreshed without opening it again. */
export const HOME_VIEWER_TTL_MS = 7 * 24 * 3600_000;
/** At most this many users get a refreshed Home per change (the most recent openers). */
const MAX_VIEWERS = 50;

/** Who opened the App Home lately (a sorted set by time, shared by bot and workers through Redis). */
export class HomeViewers {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}:home:viewers`;
  }

  async seen(user: string, now: number): Promise<void> {
    await this.redis.zadd(this.key, now, user);
  }

  /** The users who opened it within the TTL, most recent first; older ones are forgotten. */
  async recent(now: number): Promise<string[]> {
    await this.redis.zremrangebyscore(this.key, '-inf', now - HOME_VIEWER_TTL_MS);
    return this.redis.zrevrange(this.key, 0, MAX_VIEWERS - 1);
  }

  /** The right to refresh the App Home for windowMs, for one process of all that share this Redis. */
  async claimRefresh(windowMs: number): Promise<boolean> {
    return (await this.redis.set(`${this.key}:refresh`, '1', 'PX', windowMs, 'NX')) === 'OK';
  }
}
