import type { Redis } from 'ioredis';

// all-or-nothing: either every host is free (or already the owner's) and taken for ttl, or nothing changes
const ACQUIRE = `
for i, key in ipairs(KEYS) do
  local holder = redis.call('GET', key)
  if holder and holder ~= ARGV[1] then return holder end
end
for i, key in ipairs(KEYS) do redis.call('SET', key, ARGV[1], 'PX', ARGV[2]) end
return false`;

const RELEASE = `
local n = 0
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then n = n + redis.call('DEL', key) end
end
return n`;

/** How long a host lock lives unless renewed: a dead worker's hosts free themselves after this. */
export const HOST_LOCK_MS = 60_000;

/**
 * One change at a time per host, across every bot and worker process. Locks are short-lived: the job that holds
 * them renews them (see {@link heartbeat}) and releases them when it ends.
 */
export class HostLocks {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly ttlMs = HOST_LOCK_MS,
  ) {}

  private keys = (hosts: readonly string[]) => hosts.map((h) => `${this.prefix}:lock:host:${h}`);

  /**
   * Takes every host for owner (again, if owner holds them already: that renews them) for ttlMs, default the
   * store's. Returns undefined when taken, else the owner (a job id) that holds one of the hosts.
   */
  async acquire(hosts: readonly string[], owner: string, ttlMs = this.ttlMs): Promise<string | undefined> {
    if (hosts.length === 0) return undefined;
    const holder = await this.redis.eval(ACQUIRE, hosts.length, ...this.keys(hosts), owner, String(ttlMs));
    return typeof holder === 'string' ? holder : undefined;
  }

  async holderOf(hosts: readonly string[]): Promise<string | undefined> {
    if (hosts.length === 0) return undefined;
    const held = await this.redis.mget(...this.keys(hosts));
    return held.find((h): h is string => typeof h === 'string');
  }

  async release(hosts: readonly string[], owner: string): Promise<void> {
    if (hosts.length > 0) await this.redis.eval(RELEASE, hosts.length, ...this.keys(hosts), owner);
  }
}
