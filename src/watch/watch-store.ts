import type { Redis } from 'ioredis';
import type { HostRecord } from './watch-state.js';

/** A record and the version it was read at, for compare-and-set. */
export interface Versioned {
  version: number;
  record?: HostRecord;
}

export interface LastCheck {
  at: number;
  durationMs: number;
  hosts: number;
}

export interface Pause {
  by: string;
  at: number;
}

// compare-and-set: the record is written only if nobody wrote it since it was read
const COMMIT = `
local v = redis.call('HGET', KEYS[1], 'v') or '0'
if v ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', tostring(tonumber(v) + 1), 'json', ARGV[2])
return 1`;

const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * The watch's state in Redis, shared by every bot and worker process: one record per host (written with
 * compare-and-set), the pause switch, the last check, a lock that keeps overlapping checks apart, counters.
 */
export class WatchStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key = (...parts: string[]) => [this.prefix, 'drift', ...parts].join(':');

  async load(hosts: readonly string[]): Promise<Map<string, Versioned>> {
    const pipe = this.redis.pipeline();
    for (const h of hosts) pipe.hmget(this.key('host', h), 'v', 'json');
    const rows = (await pipe.exec()) ?? [];
    return new Map(
      hosts.map((h, i) => {
        const [err, value] = rows[i] ?? [];
        if (err) throw err;
        const [v, json] = (value as (string | null)[] | undefined) ?? [];
        return [h, { version: Number(v ?? 0), record: json ? (JSON.parse(json) as HostRecord) : undefined }];
      }),
    );
  }

  /** Writes the record if it is still at `version`; false when another process wrote it first. */
  async commit(host: string, version: number, record: HostRecord): Promise<boolean> {
    const ok = await this.redis.eval(
      COMMIT,
      1,
      this.key('host', host),
      String(version),
      JSON.stringify(record),
    );
    return ok === 1;
  }

  /** Read-modify-write with retries; `change` returns undefined to write nothing. */
  async update(
    host: string,
    change: (record: HostRecord | undefined) => HostRecord | undefined,
  ): Promise<HostRecord | undefined> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const { version, record } = (await this.load([host])).get(host) ?? { version: 0 };
      const next = change(record);
      if (!next) return record;
      if (await this.commit(host, version, next)) return next;
    }
    throw new Error(`the watch record of ${host} kept changing under us; gave up after 10 tries`);
  }

  async paused(): Promise<Pause | undefined> {
    const raw = await this.redis.get(this.key('paused'));
    return raw ? (JSON.parse(raw) as Pause) : undefined;
  }

  /** Pauses the watch unless it is paused already; returns the pause in force before, if any. */
  async pause(pause: Pause): Promise<Pause | undefined> {
    if ((await this.redis.set(this.key('paused'), JSON.stringify(pause), 'NX')) === 'OK') return undefined;
    return (await this.paused()) ?? undefined;
  }

  /** Resumes the watch; returns the pause it ended, if it was paused. */
  async resume(): Promise<Pause | undefined> {
    const raw = await this.redis.getdel(this.key('paused'));
    return raw ? (JSON.parse(raw) as Pause) : undefined;
  }

  async lastCheck(): Promise<LastCheck | undefined> {
    const raw = await this.redis.get(this.key('last-check'));
    return raw ? (JSON.parse(raw) as LastCheck) : undefined;
  }

  async setLastCheck(check: LastCheck): Promise<void> {
    await this.redis.set(this.key('last-check'), JSON.stringify(check));
  }

  /** One check at a time across processes; a check that finds the lock taken skips its tick. */
  async tryLock(owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.key('lock'), owner, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async holdsLock(owner: string): Promise<boolean> {
    return (await this.redis.get(this.key('lock'))) === owner;
  }

  /** Renews the lock for `ttlMs` if `owner` still holds it; false when it does not (it expired, or another took it). */
  async extendLock(owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(EXTEND, 1, this.key('lock'), owner, String(ttlMs))) === 1;
  }

  async unlock(owner: string): Promise<void> {
    await this.redis.eval(UNLOCK, 1, this.key('lock'), owner);
  }

  /** The message posted for the hosts whose incidents began in the check at `at` (see deliver's groups). */
  async groupOf(at: number): Promise<{ ts: string; headline: string } | undefined> {
    const raw = await this.redis.get(this.key('group', String(at)));
    return raw ? (JSON.parse(raw) as { ts: string; headline: string }) : undefined;
  }

  /** Kept a day: long enough for any retry, or for Slack to take the hosts' replies again. */
  async rememberGroup(at: number, group: { ts: string; headline: string }): Promise<void> {
    await this.redis.set(this.key('group', String(at)), JSON.stringify(group), 'PX', 24 * 3600_000);
  }

  async count(counts: Record<string, number>): Promise<void> {
    const pipe = this.redis.pipeline();
    for (const [field, n] of Object.entries(counts)) if (n) pipe.hincrby(this.key('counters'), field, n);
    await pipe.exec();
  }

  async counters(): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(this.key('counters'));
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }
}
