import type { Worker } from 'bullmq';

/** Something a role started and must stop on shutdown. */
export type Closer = () => Promise<unknown>;

/**
 * Stops taking jobs and lets running ones finish for up to graceMs; then stops waiting: BullMQ's stalled-job
 * check hands an unfinished job to another worker.
 */
export async function closeWorker(worker: Worker, graceMs: number): Promise<void> {
  const graceful = worker.close();
  const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), graceMs).unref());
  if ((await Promise.race([graceful, timer])) === 'late') await worker.close(true);
}

export function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => {
    p ??= fn();
    return p;
  };
}
