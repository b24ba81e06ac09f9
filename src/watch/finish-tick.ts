import type { Logger } from '../log/logger.js';
import type { Delivery } from './deliver.js';
import type { TickPlan } from './tick-plan.js';
import type { HostRecord } from './watch-state.js';
import type { WatchStore } from './watch-store.js';

export interface FinishDeps {
  store: Pick<WatchStore, 'load' | 'holdsLock' | 'extendLock' | 'unlock' | 'setLastCheck' | 'count'>;
  /** The tick's lock is renewed for this long before posting. */
  lockTtlMs: number;
  deliver(records: HostRecord[]): Promise<Delivery>;
  /** After posting: silences that end, reminders that are due (see followUp). */
  followUp?(hosts: readonly string[]): Promise<void>;
  now(): number;
  log: Logger;
}

export interface FinishResult {
  hosts: number;
  announced: number;
  undelivered: number;
  durationMs: number;
}

/**
 * The end of a tick, once all its shards are done: what the shards decided (each host's outbox) is posted for all
 * hosts at once, so that hosts leaving a good state in the same check are grouped whichever shard checked them.
 * Only the holder of the tick's lock posts, and it runs once per tick (the parent of the shards' BullMQ flow, or
 * the tick itself when it checks its hosts alone): no announcement is decided twice.
 */
export async function finishTick(deps: FinishDeps, tick: TickPlan): Promise<FinishResult | { late: true }> {
  try {
    // a tick that outlived its lock leaves the posting to the one that holds it now
    if (!(await deps.store.extendLock(tick.tick, deps.lockTtlMs))) {
      deps.log.warn({ tick: tick.tick }, 'drift check finished after its lock expired: not posted');
      return { late: true };
    }
    const loaded = await deps.store.load(tick.hosts);
    const records = [...loaded.values()].flatMap((v) => (v.record ? [v.record] : []));
    const durationMs = deps.now() - tick.at;
    await deps.store.setLastCheck({ at: tick.at, durationMs, hosts: tick.hosts.length });
    const announced = records.reduce((n, r) => n + r.outbox.length, 0);
    const delivery = await deps.deliver(records);
    if (deps.followUp && (await deps.store.holdsLock(tick.tick)))
      await deps
        .followUp(tick.hosts)
        .catch((err: Error) => deps.log.warn({ msg: err.message }, 'silences and reminders not followed up'));
    const counts: Record<string, number> = {
      checks: 1,
      hostChecks: tick.hosts.length,
      deliveryFailures: delivery.failed.length,
    };
    for (const a of delivery.posted) counts[`announced.${a.kind}`] = (counts[`announced.${a.kind}`] ?? 0) + 1;
    await deps.store.count(counts);
    deps.log.debug({ hosts: tick.hosts.length, durationMs, announced }, 'drift check done');
    return {
      hosts: tick.hosts.length,
      announced,
      undelivered: announced - delivery.posted.length,
      durationMs,
    };
  } finally {
    await deps.store.unlock(tick.tick);
  }
}
