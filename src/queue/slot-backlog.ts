import { type ConnectionOptions, Queue } from 'bullmq';

/** Job states that mean a queue's work is not done: a dead worker's active job counts until it is handed on. */
const UNFINISHED = ['active', 'wait', 'delayed', 'prioritized', 'paused'] as const;

/** A BullMQ queue by name and key prefix. */
export interface QueueRef {
  name: string;
  prefix: string;
}

/**
 * Whether any queue of a worker slot still holds work (what decides adopting a dead worker's slot and giving it
 * back), over one Queue object per queue, made when first asked.
 */
export function slotBacklog(connection: ConnectionOptions, queuesOf: (slot: number) => QueueRef[]) {
  const queues = new Map<string, Queue>();
  const queueOf = (ref: QueueRef) => {
    const id = `${ref.prefix}\u0000${ref.name}`;
    const known = queues.get(id);
    if (known) return known;
    const made = new Queue(ref.name, { connection, prefix: ref.prefix });
    queues.set(id, made);
    return made;
  };
  return {
    async pending(slot: number): Promise<boolean> {
      for (const ref of queuesOf(slot)) {
        const counts = await queueOf(ref).getJobCounts(...UNFINISHED);
        if (Object.values(counts).some((n) => n > 0)) return true;
      }
      return false;
    },
    close: () => Promise.all([...queues.values()].map((q) => q.close())),
  };
}
