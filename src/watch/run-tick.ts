import { randomUUID } from 'node:crypto';
import { checkShard, type ShardDeps } from './check-shard.js';
import { type FinishDeps, type FinishResult, finishTick } from './finish-tick.js';
import { ntpHosts } from './ntp-hosts.js';
import { shardsOf, type TickPlan } from './tick-plan.js';
import type { WatchStore } from './watch-store.js';

export interface TickDeps extends Omit<ShardDeps, 'store'>, Omit<FinishDeps, 'store'> {
  store: ShardDeps['store'] & FinishDeps['store'] & Pick<WatchStore, 'paused' | 'tryLock' | 'unlock'>;
  /** At most this many hosts a shard (LAB_DRIFT_SHARD_SIZE). */
  shardSize: number;
  /**
   * Hands the tick's hosts to the workers in shards of at most shardSize (several workers share them), with its
   * finishing step after them; resolves to how many shards went out. Without it this process cuts the tick into
   * shards and checks them itself, one after the other, and finishes the tick.
   */
  fanOut?(tick: TickPlan, shardSize: number): Promise<number>;
  /** Whose watch this is, carried in the jobs (see TickPlan). */
  scope?: string;
}

export type TickResult =
  | { skipped: 'paused' | 'busy' }
  | { late: true }
  | FinishResult
  | { hosts: number; shards: number; queued: true };

/**
 * One check of every NTP host, split into shards of at most shardSize hosts (see checkShard), then one finishing
 * step that posts what is to be announced (see finishTick). One check at a time across all processes: the tick
 * takes the watch lock, its shards renew it, its finishing step releases it; a tick that finds it taken skips.
 */
export async function runTick(deps: TickDeps): Promise<TickResult> {
  if (await deps.store.paused()) {
    await deps.store.count({ skippedPaused: 1 });
    return { skipped: 'paused' };
  }
  const tick = randomUUID();
  if (!(await deps.store.tryLock(tick, deps.lockTtlMs))) {
    await deps.store.count({ skippedBusy: 1 });
    deps.log.info('drift check skipped: the previous one is still running');
    return { skipped: 'busy' };
  }
  const plan: TickPlan = {
    tick,
    at: deps.now(),
    hosts: ntpHosts(deps.inventory()).map((h) => h.name),
    scope: deps.scope ?? '',
  };
  if (deps.fanOut) {
    let count: number;
    try {
      count = await deps.fanOut(plan, deps.shardSize);
    } catch (err) {
      await deps.store.unlock(tick);
      throw err;
    }
    deps.log.debug({ hosts: plan.hosts.length, shards: count }, 'drift check queued');
    return { hosts: plan.hosts.length, shards: count, queued: true };
  }
  const shards = shardsOf(plan.hosts, deps.shardSize).map((hosts) => ({ ...plan, hosts }));
  try {
    for (const shard of shards) await checkShard(deps, shard);
  } catch (err) {
    await deps.store.unlock(tick);
    throw err;
  }
  return finishTick(deps, plan);
}
