import { type ConnectionOptions, Queue } from 'bullmq';
import { NTP_SHARD_JOB_NAME, type NtpShardJob, shardJobId, shardQueueFor } from './shard-job.js';

/** Which queue a shard is on: its lab's worker slot's, or (no slot) the shared one. */
export type ShardPlace = Pick<NtpShardJob, 'lab' | 'slot'>;

/** Where a shard stands, as its coordinator sees it: `failed` and `gone` are for good (BullMQ retries first). */
export type ShardState = { pending: true } | { done: true } | { failed: string } | { gone: true };

export interface ShardQueues {
  /** Adds the shard job (a no-op when a job of that id is there already: a coordinator retried). */
  add(shard: NtpShardJob): Promise<void>;
  state(parent: string, shard: number, place?: ShardPlace): Promise<ShardState>;
  /** Removes the shard job if no worker has started it (after a cancel, or once the run is over). */
  removeIfWaiting(parent: string, shard: number, place?: ShardPlace): Promise<void>;
  /** Worker processes taking shards from the shared queue now (BullMQ's CLIENT LIST of it). */
  liveWorkers(): Promise<number>;
  close(): Promise<void>;
}

const SHARD_OPTIONS = {
  // a shard whose worker died is handed on (stalled) or retried; its recorded hosts are not checked again
  attempts: 3,
  backoff: { type: 'fixed', delay: 1000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 24 * 3600, count: 1000 },
} as const;

/**
 * The shard queues of a shared check, each queue made when first used ({@link shardQueueFor}): the shared one
 * under `prefix`, a worker slot's under its lab's key prefix (`labPrefix(lab)`; worker slots are per lab).
 */
export function createShardQueues(
  connection: ConnectionOptions,
  prefix: string,
  labPrefix: (lab: string | undefined) => string = () => prefix,
): ShardQueues {
  const queues = new Map<string, Queue>();
  const queueOf = (place: ShardPlace = {}) => {
    const name = shardQueueFor(place.slot);
    const under = place.slot === undefined ? prefix : labPrefix(place.lab);
    const id = `${under}\u0000${name}`;
    let q = queues.get(id);
    if (!q) {
      q = new Queue(name, { connection, prefix: under });
      queues.set(id, q);
    }
    return q;
  };
  const jobOf = (parent: string, shard: number, place?: ShardPlace) =>
    queueOf(place).getJob(shardJobId(parent, shard));
  return {
    async add(shard) {
      await queueOf(shard).add(NTP_SHARD_JOB_NAME, shard, {
        ...SHARD_OPTIONS,
        jobId: shardJobId(shard.parent, shard.shard),
      });
    },
    async state(parent, shard, place) {
      const job = await jobOf(parent, shard, place);
      if (!job) return { gone: true };
      const state = await job.getState();
      if (state === 'completed') return { done: true };
      if (state === 'failed') return { failed: job.failedReason || 'failed' };
      if (state === 'unknown') return { gone: true };
      return { pending: true };
    },
    async removeIfWaiting(parent, shard, place) {
      const job = await jobOf(parent, shard, place);
      const state = await job?.getState();
      // a started shard stays (its cancel reaches it through the cancel channel); a finished one is kept a while
      if (job && (state === 'waiting' || state === 'delayed' || state === 'prioritized'))
        await job.remove().catch(() => undefined); // taken by a worker meanwhile: it finds the cancel
    },
    liveWorkers: () => queueOf().getWorkersCount(),
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
