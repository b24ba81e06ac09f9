import { rendezvousPick } from '../queue/rendezvous.js';
import { shardQueueName, WATCH_QUEUE } from './watch-queue.js';

/**
 * The queue of each of a tick's `count` shards: shard i (a stable slice of the inventory's hosts, see shardsOf)
 * goes to the live worker slot that wins "shard-i" by rendezvous hashing, so it stays on the same worker process,
 * and on its pooled SSH connections, from tick to tick. With no live slot, the shared watch queue (any worker).
 */
export function routeShards(count: number, liveSlots: readonly number[]): string[] {
  return Array.from({ length: count }, (_, i) => {
    const slot = rendezvousPick(`shard-${i}`, liveSlots);
    return slot === undefined ? WATCH_QUEUE : shardQueueName(slot);
  });
}
