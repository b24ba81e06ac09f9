import { type ConnectionOptions, Queue } from 'bullmq';
import { shardQueueName } from './watch-queue.js';

/** The Redis key base of the drift watch's worker slots (see src/queue/worker-slots.ts), one set per lab prefix. */
export function shardSlotKey(prefix: string): string {
  return `${prefix}:drift:slot`;
}

/** Job states that mean a slot's shards are not done: a dead worker's active shard counts until it is handed on. */
const UNFINISHED = ['active', 'wait', 'delayed', 'prioritized', 'paused'] as const;

/**
 * Whether a worker slot's shard queue still holds work (what decides adopting a dead worker's slot and giving it
 * back), over one Queue per slot, made when first asked.
 */
export function shardBacklog(connection: ConnectionOptions, prefix: string) {
  const queues = new Map<number, Queue>();
  const queueOf = (slot: number) => {
    const known = queues.get(slot);
    if (known) return known;
    const made = new Queue(shardQueueName(slot), { connection, prefix });
    queues.set(slot, made);
    return made;
  };
  return {
    async pending(slot: number): Promise<boolean> {
      const counts = await queueOf(slot).getJobCounts(...UNFINISHED);
      return Object.values(counts).some((n) => n > 0);
    },
    close: () => Promise.all([...queues.values()].map((q) => q.close())),
  };
}
