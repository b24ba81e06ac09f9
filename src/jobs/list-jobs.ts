import type { Job, Queue } from 'bullmq';
import { type JobState, type JobSummary, summarise } from './job-summary.js';

/** Running and waiting jobs (at most `live`), then the most recently finished ones (at most `recent`). */
export async function listJobs(
  queue: Pick<Queue, 'getJobs'>,
  now: number,
  limits = { live: 20, recent: 10 },
  /** Only the jobs of this lab (LAB_POLICY); absent: every job. */
  lab?: string,
): Promise<JobSummary[]> {
  // one lab's jobs are among every lab's: look further back for them (bounded all the same)
  const scan = lab === undefined ? 1 : 5;
  const [active, waiting, completed, failed] = await Promise.all([
    queue.getJobs(['active'], 0, limits.live * scan - 1),
    queue.getJobs(['waiting', 'prioritized', 'delayed', 'paused'], 0, limits.live * scan - 1),
    queue.getJobs(['completed'], 0, limits.recent * scan - 1, false),
    queue.getJobs(['failed'], 0, limits.recent * scan - 1, false),
  ]);
  const ours = (j: Job) => lab === undefined || (j.data as { lab?: unknown } | undefined)?.lab === lab;
  const of = (jobs: Job[], state: JobState) =>
    jobs.filter((j) => j && ours(j)).map((j) => ({ job: j, s: summarise(j, state, now) }));
  const live = [...of(active, 'running'), ...of(waiting, 'waiting')].slice(0, limits.live);
  const finished = [...of(completed, 'completed'), ...of(failed, 'failed')]
    .sort((a, b) => (b.job.finishedOn ?? 0) - (a.job.finishedOn ?? 0))
    .slice(0, limits.recent);
  return [...live, ...finished].map((x) => x.s);
}
