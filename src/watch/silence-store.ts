import type { Redis } from 'ioredis';
import type { Silence } from './silence.js';

/** The silences in force, one per scope (a host or a group), in a Redis hash beside the watch's records. */
export class SilenceStore {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}:drift:silences`;
  }

  async list(): Promise<Silence[]> {
    const raw = await this.redis.hgetall(this.key);
    return Object.values(raw).map((json) => JSON.parse(json) as Silence);
  }

  /** Sets (or replaces) the silence of its scope. */
  async set(silence: Silence): Promise<void> {
    await this.redis.hset(this.key, silence.scope, JSON.stringify(silence));
  }

  /** Ends a scope's silence; the one it ended, if there was one. */
  async remove(scope: string): Promise<Silence | undefined> {
    const raw = await this.redis.hget(this.key, scope);
    if (!raw) return undefined;
    return (await this.redis.hdel(this.key, scope)) === 1 ? (JSON.parse(raw) as Silence) : undefined;
  }
}
