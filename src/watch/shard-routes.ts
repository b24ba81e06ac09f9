import { groupBySlot } from '../queue/slot-groups.js';
import { shardsOf, type TickPlan } from './tick-plan.js';
import { shardQueueName, WATCH_QUEUE } from './watch-queue.js';

/** A shard of a tick and the queue it goes to. */
export interface RoutedShard {
  queue: string;
  shard: TickPlan;
}

/**
 * Where a tick's shards go. With live worker slots, by host: each host to the slot that wins its name by rendezvous
 * hashing (the slot its ntp status checks go to as well, so one worker process pools it), the hosts of each slot in
 * the tick's order, split again into shards of at most as many hosts as the largest shard given
 * (LAB_DRIFT_SHARD_SIZE). With no live slot, the shards as given, on the shared watch queue (any worker).
 */
export function routeShards(shards: readonly TickPlan[], liveSlots: readonly number[]): RoutedShard[] {
  if (liveSlots.length === 0) return shards.map((shard) => ({ queue: WATCH_QUEUE, shard }));
  const [first] = shards;
  if (!first) return [];
  const size = Math.max(...shards.map((s) => s.hosts.length));
  const hosts = shards.flatMap((s) => s.hosts);
  return groupBySlot(hosts, liveSlots).flatMap(({ slot, keys }) =>
    shardsOf(keys, size).map((part) => ({
      queue: shardQueueName(slot),
      shard: { ...first, hosts: part },
    })),
  );
}
