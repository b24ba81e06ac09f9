import { groupBySlot } from '../queue/slot-groups.js';
import { shardsOf, type TickPlan } from './tick-plan.js';
import { shardQueueName, WATCH_QUEUE } from './watch-queue.js';

/** A shard of a tick and the queue it goes to. */
export interface RoutedShard {
  queue: string;
  shard: TickPlan;
}

/**
 * Where a tick's hosts go, in shards of at most `shardSize` hosts (LAB_DRIFT_SHARD_SIZE). With live worker slots,
 * by host: each host to the slot that wins its name by rendezvous hashing (the slot its ntp status checks go to as
 * well, so one worker process pools it), the hosts of each slot in the tick's order, then cut into shards. With no
 * live slot, the tick's hosts cut into shards in their order, on the shared watch queue (any worker).
 */
export function routeShards(tick: TickPlan, shardSize: number, liveSlots: readonly number[]): RoutedShard[] {
  const cut = (hosts: readonly string[], queue: string) =>
    shardsOf(hosts, shardSize).map((part) => ({ queue, shard: { ...tick, hosts: part } }));
  if (liveSlots.length === 0) return cut(tick.hosts, WATCH_QUEUE);
  return groupBySlot(tick.hosts, liveSlots).flatMap(({ slot, keys }) => cut(keys, shardQueueName(slot)));
}
