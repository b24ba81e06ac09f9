import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type ConnectionOptions, type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from '../log/logger.js';
import type { TickResult } from './run-tick.js';
import { FINISH_JOB_NAME, SHARD_JOB_NAME, TickPlan } from './tick-plan.js';

/** The watch's own queue: its jobs carry no reply target, so they stay out of the command queue. */
export const WATCH_QUEUE = 'ntp-watch';
const SCHEDULER_ID = 'ntp-drift-check';
const JOB_NAME = 'ntp.watch.check';
const CEPH_SCHEDULER_ID = 'ceph-health-check';
/** The Ceph watch's ticks, on the same queue and workers as the drift checks. */
export const CEPH_JOB_NAME = 'ceph.watch.check';

export function createWatchQueue(connection: ConnectionOptions, prefix: string): Queue {
  return new Queue(WATCH_QUEUE, { connection, prefix });
}

/** The queue of worker slot n's shards (see src/queue/worker-slot-key.ts): one worker process takes them. */
export function shardQueueName(slot: number): string {
  return `${WATCH_QUEUE}-shards-${slot}`;
}

/** A name for this process's watch Workers (a job's processedBy, shown in Bull Board): which workers shared a tick. */
function watchWorkerName(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * One job every `intervalSeconds`, however many processes call this: BullMQ's job scheduler is one record in
 * Redis, and each tick's job id is derived from its time.
 */
export async function scheduleWatch(queue: Queue, intervalSeconds: number): Promise<void> {
  await scheduleEvery(queue, SCHEDULER_ID, JOB_NAME, intervalSeconds);
}

/** The Ceph health check every `intervalSeconds` (LAB_CEPH_INTERVAL), one scheduler record like the drift check's. */
export async function scheduleCephWatch(queue: Queue, intervalSeconds: number): Promise<void> {
  await scheduleEvery(queue, CEPH_SCHEDULER_ID, CEPH_JOB_NAME, intervalSeconds);
}

/** One scheduler record (upserted: the same id from every process) making a `name` job every `seconds`. */
async function scheduleEvery(queue: Queue, id: string, name: string, seconds: number): Promise<void> {
  await queue.upsertJobScheduler(
    id,
    { every: seconds * 1000 },
    { name, data: {}, opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } },
  );
}

/** No ceph_mons group or no alert channel: no Ceph watch. */
export async function unscheduleCephWatch(queue: Queue): Promise<void> {
  await queue.removeJobScheduler(CEPH_SCHEDULER_ID);
}

/** No alert channel: no watch. Removes a scheduler an earlier configuration left behind. */
export async function unscheduleWatch(queue: Queue): Promise<void> {
  await queue.removeJobScheduler(SCHEDULER_ID);
}

// a shard is as slow as its slowest host: a few at once per process keep one slow host from holding up the other
// shards (the SSH pool's LAB_SSH_CONCURRENCY still bounds the commands in flight)
const JOBS_AT_ONCE = 4;

interface WorkerDeps {
  connection: ConnectionOptions;
  prefix: string;
  /** The process's name for its watch Workers (watchWorkerName()); a new one when unset. */
  name?: string;
  /** BullMQ's lock of a running job: a dead worker's shard is handed on after about twice this. */
  lockMs?: number;
  log: Logger;
}

/**
 * Runs the ticks, their finishing steps and the shards queued here (by a labops from before worker slots, or
 * when no process holds a slot), a few jobs at once per process (the watch lock keeps ticks apart, the Ceph watch
 * has its own). A shard or finishing step whose data does not parse is not retried: it came from no labops.
 */
export function createWatchWorker(
  deps: WorkerDeps & {
    tick(signal: AbortSignal): Promise<TickResult>;
    shard?(shard: TickPlan, signal: AbortSignal): Promise<unknown>;
    finish?(tick: TickPlan, signal: AbortSignal): Promise<unknown>;
    cephTick?(signal: AbortSignal): Promise<unknown>;
  },
): Worker {
  return watchWorker(WATCH_QUEUE, deps, async (job, s) => {
    if (job.name === CEPH_JOB_NAME) return deps.cephTick?.(s);
    if (job.name === SHARD_JOB_NAME) return deps.shard?.(planOf(job.data), s);
    if (job.name === FINISH_JOB_NAME) return deps.finish?.(planOf(job.data), s);
    return deps.tick(s);
  });
}

/** Runs the shards of one worker slot's queue (shardQueueName), a few at once; anything else there is refused. */
export function createShardWorker(
  deps: WorkerDeps & { slot: number; shard(shard: TickPlan, signal: AbortSignal): Promise<unknown> },
): Worker {
  return watchWorker(shardQueueName(deps.slot), deps, async (job, s) => {
    if (job.name !== SHARD_JOB_NAME)
      throw new UnrecoverableError(`not a drift shard: ${job.name.slice(0, 80)}`);
    return deps.shard(planOf(job.data), s);
  });
}

function watchWorker(
  queueName: string,
  deps: WorkerDeps,
  run: (job: Job, signal: AbortSignal) => Promise<unknown>,
): Worker {
  const worker = new Worker(
    queueName,
    (job, _token, signal) => run(job, signal ?? new AbortController().signal),
    {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: JOBS_AT_ONCE,
      // a job says which process ran it (processedBy, shown in Bull Board): which workers shared a tick
      name: deps.name ?? watchWorkerName(),
      ...(deps.lockMs ? { lockDuration: deps.lockMs, stalledInterval: deps.lockMs } : {}),
    },
  );
  worker.on('failed', (job, err) =>
    deps.log.warn({ jobId: job?.id, queue: queueName, msg: err.message }, 'drift check failed'),
  );
  worker.on('error', (err) => deps.log.error({ queue: queueName, msg: err.message }, 'drift worker error'));
  return worker;
}

function planOf(data: unknown): TickPlan {
  const parsed = TickPlan.safeParse(data);
  if (!parsed.success)
    throw new UnrecoverableError(`not a drift check's job: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
