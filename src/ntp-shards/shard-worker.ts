import { type ConnectionOptions, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { CancelRequests } from '../jobs/cancel-requests.js';
import type { Logger } from '../log/logger.js';
import { workerName } from '../workers/worker-name.js';
import { checkNtpShard, type NtpShardDeps, type NtpShardResult } from './check-ntp-shard.js';
import { ShardCancels } from './shard-cancels.js';
import { NTP_SHARDS_QUEUE, NtpShardJob } from './shard-job.js';

// a few shards at once per process: one slow host does not hold up the others (LAB_SSH_CONCURRENCY still bounds
// the commands in flight)
const SHARDS_AT_ONCE = 4;

export interface NtpShardWorkerDeps {
  /** The Workers' name (a job's processedBy); a new one when absent. */
  name?: string;
  connection: ConnectionOptions;
  prefix: string;
  /** The lab's hosts and SSH pool; undefined for a lab the policy does not have (any more). */
  labOf(lab: string | undefined): Pick<NtpShardDeps, 'inventory' | 'ssh'> | undefined;
  store: NtpShardDeps['store'];
  thresholds: NtpShardDeps['thresholds'];
  /** Cancel requests asked before the shard started (running ones arrive through cancel()). */
  cancels: Pick<CancelRequests, 'requested'>;
  /** BullMQ's lock: a dead worker's shard is handed on after about twice this. */
  lockMs?: number;
  log: Logger;
}

/**
 * Runs the shards of shared `/lab ntp status` checks on this process's SSH pool: `worker` those of the shared queue
 * (any worker takes them), and `serve(queue, prefix)` a Worker on another queue (a worker slot's, see
 * shardQueueFor) with the same processor. cancel(job) aborts the shards of that `ntp.status` job running here,
 * whichever queue they came from; a shard that starts after the cancel finds it kept in Redis and runs nothing.
 */
export function createNtpShardWorker(deps: NtpShardWorkerDeps): {
  worker: Worker;
  serve(queue: string, prefix: string): Worker;
  cancel(parent: string, reason: string): void;
} {
  const cancels = new ShardCancels();
  const processor = async (job: Job): Promise<NtpShardResult> => {
    const parsed = NtpShardJob.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(`not an ntp status shard: ${parsed.error.issues[0]?.message}`);
    const shard = parsed.data;
    const lab = deps.labOf(shard.lab);
    if (!lab) throw new UnrecoverableError(`lab ${shard.lab} is not in labops' policy any more`);
    // tracked before the look at Redis: a cancel published in between is not missed
    const tracked = cancels.track(shard.parent);
    try {
      const asked = await deps.cancels.requested(shard.parent);
      if (asked) return { cancelled: true };
      return await checkNtpShard({ ...lab, ...deps, signal: tracked.signal }, shard);
    } finally {
      tracked.release();
    }
  };
  const name = deps.name ?? workerName();
  const serve = (queue: string, prefix: string) => {
    const worker = new Worker(queue, processor, {
      connection: deps.connection,
      prefix,
      concurrency: SHARDS_AT_ONCE,
      // adding jobs wakes one blocked worker (BullMQ's marker); the others look again within this many seconds
      // (BullMQ's default 5 would let the first worker take every shard of a run before a second one woke)
      drainDelay: 1,
      // a job says which process ran it (processedBy): which workers shared a check
      name,
      ...(deps.lockMs ? { lockDuration: deps.lockMs, stalledInterval: deps.lockMs } : {}),
    });
    worker.on('failed', (job, err) =>
      deps.log.warn({ jobId: job?.id, queue, msg: err.message }, 'ntp status shard failed'),
    );
    worker.on('error', (err) => deps.log.error({ queue, msg: err.message }, 'ntp shard worker error'));
    return worker;
  };
  return {
    worker: serve(NTP_SHARDS_QUEUE, deps.prefix),
    serve,
    cancel(parent, reason) {
      const n = cancels.cancel(parent, reason);
      if (n > 0) deps.log.info({ jobId: parent, shards: n }, 'ntp status shards cancelled');
    },
  };
}
