import { type ConnectionOptions, Queue } from 'bullmq';
import { NTP_SHARD_JOB_NAME, type NtpShardJob, shardJobId, shardQueueFor } from './shard-job.js';

/** Where a shard stands, as its coordinator sees it: `failed` and `gone` are for good (BullMQ retries first). */
export type ShardState = { pending: true } | { done: true } | { failed: string } | { gone: true };

export interface ShardQueues {
  /** Adds the shard job (a no-op when a job of that id is there already: a coordinator retried). */
  add(shard: NtpShardJob): Promise<void>;
  state(parent: string, shard: number): Promise<ShardState>;
  /** Removes the shard job if no worker has started it (after a cancel, or once the run is over). */
  removeIfWaiting(parent: string, shard: number): Promise<void>;
  /** Worker processes taking shards now (BullMQ's CLIENT LIST of the shard queue). */
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

/** The shard queues of a shared check, each queue made when first used ({@link shardQueueFor}). */
export function createShardQueues(connection: ConnectionOptions, prefix: string): ShardQueues {
  const queues = new Map<string, Queue>();
  const queueOf = (shard: number) => {
    const name = shardQueueFor(shard);
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection, prefix });
      queues.set(name, q);
    }
    return q;
  };
  const jobOf = (parent: string, shard: number) => queueOf(shard).getJob(shardJobId(parent, shard));
  return {
    async add(shard) {
      await queueOf(shard.shard).add(NTP_SHARD_JOB_NAME, shard, {
        ...SHARD_OPTIONS,
        jobId: shardJobId(shard.parent, shard.shard),
      });
    },
    async state(parent, shard) {
      const job = await jobOf(parent, shard);
      if (!job) return { gone: true };
      const state = await job.getState();
      if (state === 'completed') return { done: true };
      if (state === 'failed') return { failed: job.failedReason || 'failed' };
      if (state === 'unknown') return { gone: true };
      return { pending: true };
    },
    async removeIfWaiting(parent, shard) {
      const job = await jobOf(parent, shard);
      const state = await job?.getState();
      // a started shard stays (its cancel reaches it through the cancel channel); a finished one is kept a while
      if (job && (state === 'waiting' || state === 'delayed' || state === 'prioritized'))
        await job.remove().catch(() => undefined); // taken by a worker meanwhile: it finds the cancel
    },
    liveWorkers: () => queueOf(0).getWorkersCount(),
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
