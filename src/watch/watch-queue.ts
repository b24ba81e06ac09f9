import { type ConnectionOptions, Queue, Worker } from 'bullmq';
import type { Logger } from '../log/logger.js';
import type { TickResult } from './run-tick.js';

/** The watch's own queue: its jobs carry no reply target, so they stay out of the command queue. */
export const WATCH_QUEUE = 'ntp-watch';
const SCHEDULER_ID = 'ntp-drift-check';
const JOB_NAME = 'ntp.watch.check';

export function createWatchQueue(connection: ConnectionOptions, prefix: string): Queue {
  return new Queue(WATCH_QUEUE, { connection, prefix });
}

/**
 * One job every `intervalSeconds`, however many processes call this: BullMQ's job scheduler is one record in
 * Redis, and each tick's job id is derived from its time.
 */
export async function scheduleWatch(queue: Queue, intervalSeconds: number): Promise<void> {
  await queue.upsertJobScheduler(
    SCHEDULER_ID,
    { every: intervalSeconds * 1000 },
    {
      name: JOB_NAME,
      data: {},
      opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
    },
  );
}

/** No alert channel: no watch. Removes a scheduler an earlier configuration left behind. */
export async function unscheduleWatch(queue: Queue): Promise<void> {
  await queue.removeJobScheduler(SCHEDULER_ID);
}

/** Runs the ticks; one at a time per process (the watch lock keeps processes apart). */
export function createWatchWorker(deps: {
  connection: ConnectionOptions;
  prefix: string;
  tick(signal: AbortSignal): Promise<TickResult>;
  log: Logger;
}): Worker {
  const worker = new Worker(
    WATCH_QUEUE,
    (_job, _token, signal) => deps.tick(signal ?? new AbortController().signal),
    {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: 1,
    },
  );
  worker.on('failed', (job, err) =>
    deps.log.warn({ jobId: job?.id, msg: err.message }, 'drift check failed'),
  );
  worker.on('error', (err) => deps.log.error({ msg: err.message }, 'drift worker error'));
  return worker;
}
