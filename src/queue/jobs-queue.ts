import { type ConnectionOptions, Queue, QueueEvents } from 'bullmq';

/** One queue for every task; the job name says which task runs it. */
export const JOBS_QUEUE = 'jobs';

export function createJobsQueue(connection: ConnectionOptions, prefix: string): Queue {
  return new Queue(JOBS_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 1, // tasks retry their own transient SSH failures; a whole-job retry could run a change twice
      removeOnComplete: { age: 24 * 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
}

export function createJobsEvents(connection: ConnectionOptions, prefix: string): QueueEvents {
  return new QueueEvents(JOBS_QUEUE, { connection, prefix });
}
