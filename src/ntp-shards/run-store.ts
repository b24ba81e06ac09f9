import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { NtpHostStatus } from '../tasks/chrony/classify.js';
import { toStored } from './stored-status.js';

/** How long a run's recorded statuses stay if its coordinator never removes them (it died for good). */
export const RUN_TTL_MS = 3600_000;
const PAGE = 1000;
// what place() reads back from Redis is checked like any input
const Placement = z.array(z.number().int().min(0).max(1000)).max(1000);
const parseJson = (text: string | null): unknown => {
  try {
    return text === null ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
};

// the first status of a host wins (HSETNX); only then its name goes on the run's list, which the coordinator
// reads from where it stopped: both in one script, so the list and the hash always agree
const RECORD = `
local added = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
if added == 1 then redis.call('RPUSH', KEYS[2], ARGV[1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return added`;

/**
 * The statuses of one shared `/lab ntp status` run in Redis: a hash host → status JSON (each host once, whoever
 * checked it) and a list of the hosts in the order they were recorded, under `<prefix>:ntp-run:<job id>`.
 */
export class NtpRunStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key = (run: string) => `${this.prefix}:ntp-run:${run}`;
  private order = (run: string) => `${this.key(run)}:order`;
  private openKey = (run: string) => `${this.key(run)}:open`;
  private slotsKey = (run: string) => `${this.key(run)}:slots`;

  /**
   * The worker slots the run's hosts are placed on: the first call's `slots` are kept (SET NX) and every later call
   * (a coordinator retried after the slots changed) gets those, so its shards, and their ids, are the same again.
   */
  async place(run: string, slots: readonly number[]): Promise<number[]> {
    await this.redis.set(this.slotsKey(run), JSON.stringify(slots), 'PX', RUN_TTL_MS, 'NX');
    const kept = Placement.safeParse(parseJson(await this.redis.get(this.slotsKey(run))));
    return kept.success ? kept.data : [...slots];
  }

  /** The coordinator follows the run: its shards are wanted (until {@link drop}, or an hour). */
  async open(run: string): Promise<void> {
    await this.redis.set(this.openKey(run), '1', 'PX', RUN_TTL_MS);
  }

  /** Whether anybody still follows the run: a shard handed on after its run was reported has nothing to do. */
  async isOpen(run: string): Promise<boolean> {
    return (await this.redis.exists(this.openKey(run))) === 1;
  }

  /** Records each host's status unless one is there already, in one round trip; how many were kept. */
  async recordAll(run: string, statuses: readonly NtpHostStatus[]): Promise<number> {
    const pipe = this.redis.pipeline();
    for (const s of statuses)
      pipe.eval(RECORD, 2, this.key(run), this.order(run), s.host, toStored(s), RUN_TTL_MS);
    const results = (await pipe.exec()) ?? [];
    let kept = 0;
    for (const [err, added] of results) {
      if (err) throw err;
      if (added === 1) kept++;
    }
    return kept;
  }

  /** The hosts of `hosts` that have a status in the run already. */
  async recorded(run: string, hosts: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < hosts.length; i += PAGE) {
      const page = hosts.slice(i, i + PAGE);
      const values = await this.redis.hmget(this.key(run), ...page);
      values.forEach((v, j) => {
        if (v !== null) found.add(page[j] as string);
      });
    }
    return found;
  }

  /**
   * [host, status JSON] recorded after the first `from` of the run's list, in the order they came, a page at a
   * time; `next` is where the following read starts.
   */
  async since(run: string, from: number): Promise<{ entries: [string, string][]; next: number }> {
    const names = await this.redis.lrange(this.order(run), from, from + PAGE - 1);
    if (names.length === 0) return { entries: [], next: from };
    const values = await this.redis.hmget(this.key(run), ...names);
    const entries: [string, string][] = [];
    names.forEach((name, i) => {
      const v = values[i];
      if (typeof v === 'string') entries.push([name, v]);
    });
    return { entries, next: from + names.length };
  }

  async drop(run: string): Promise<void> {
    await this.redis.del(this.openKey(run), this.key(run), this.order(run), this.slotsKey(run));
  }
}
