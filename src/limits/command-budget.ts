import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** What taking one command from a user's budget came to. */
export type BudgetAnswer = { ok: true } | { ok: false; used: number; retryInMs: number };

// A sliding window in one sorted set per user (score: when each counted command came); atomic, so the budget holds
// across bot processes. Returns {1} when the command fits, else {0, used, oldest score}.
const TAKE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
local used = redis.call('ZCARD', KEYS[1])
if used >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, used, tonumber(oldest[2])}
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1}
`;

/** A per-user budget of commands in a sliding window (default one minute), kept in Redis. */
export class CommandBudget {
  constructor(
    private readonly redis: Pick<Redis, 'eval'>,
    private readonly prefix: string,
    readonly limit: number,
    readonly windowMs = 60_000,
  ) {}

  async take(user: string, now: number): Promise<BudgetAnswer> {
    const key = `${this.prefix}:rate:${user}`;
    const member = `${now}:${randomUUID()}`;
    const answer = (await this.redis.eval(TAKE, 1, key, now, this.windowMs, this.limit, member)) as number[];
    if (answer[0] === 1) return { ok: true };
    return { ok: false, used: Number(answer[1]), retryInMs: retryIn(Number(answer[2]), this.windowMs, now) };
  }
}

/** When the oldest counted command leaves the window (at least a second, so the answer never says "0 s"). */
export const retryIn = (oldest: number, windowMs: number, now: number) =>
  Math.max(1000, oldest + windowMs - now);
