import type { Job } from 'bullmq';

export type JobState = 'running' | 'waiting' | 'completed' | 'failed';

/** One line of `/lab jobs`: what runs or ran, for whom, on what, and for how long. */
export interface JobSummary {
  id: string;
  command: string;
  user?: string;
  channel?: string;
  targets: string;
  state: JobState;
  elapsedMs: number;
  /** Why it failed (failed jobs only). */
  reason?: string;
}

/** The summary of a BullMQ job: its data is what dispatch and confirm queued (JobEnvelope and target). */
export function summarise(job: Job, state: JobState, now: number): JobSummary {
  const data = (job.data ?? {}) as {
    command?: unknown;
    target?: unknown;
    targetLabel?: unknown;
    hosts?: unknown;
    reply?: { user?: unknown; channel?: unknown };
  };
  const hosts = Array.isArray(data.hosts) ? data.hosts.map(String) : [];
  const targets =
    typeof data.target === 'string'
      ? data.target
      : hosts.length > 0
        ? hosts.join(', ')
        : typeof data.targetLabel === 'string'
          ? data.targetLabel
          : 'all hosts';
  const started = job.processedOn ?? job.timestamp;
  const end = state === 'completed' || state === 'failed' ? (job.finishedOn ?? now) : now;
  return {
    id: String(job.id),
    command: typeof data.command === 'string' ? data.command : `/lab ${job.name}`,
    user: typeof data.reply?.user === 'string' ? data.reply.user : undefined,
    channel: typeof data.reply?.channel === 'string' ? data.reply.channel : undefined,
    targets,
    state,
    elapsedMs: Math.max(0, end - (state === 'waiting' ? job.timestamp : started)),
    reason: state === 'failed' ? job.failedReason : undefined,
  };
}
