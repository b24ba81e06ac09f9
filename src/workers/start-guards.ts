import { type Job, UnrecoverableError } from 'bullmq';
import type { ChatSink } from '../chat/sink.js';
import { renderRefused, renderTooLate } from '../jobs/render-job-end.js';
import type { Logger } from '../log/logger.js';
import type { HostLocks } from '../queue/host-locks.js';
import { applyJobId, type JobEnvelope } from '../queue/job-envelope.js';
import type { PlanStore } from '../queue/plan-store.js';
import { tell } from './job-guards.js';

export interface StartGuardDeps {
  chat: Pick<ChatSink, 'post' | 'update' | 'reply'>;
  plans: Pick<PlanStore, 'claimOf'>;
  locks: Pick<HostLocks, 'acquire' | 'release' | 'ttlMs'>;
  log: Logger;
}

const commandOf = (job: Job, envelope: JobEnvelope) => envelope.command ?? `/lab ${job.name}`;

async function refuse(job: Job, envelope: JobEnvelope, why: string, deps: StartGuardDeps): Promise<never> {
  deps.log.warn({ jobId: job.id, task: job.name, phase: envelope.phase, why }, 'job refused');
  await tell(envelope, renderRefused(commandOf(job, envelope), why), deps);
  throw new UnrecoverableError(`refused: ${why}`);
}

/**
 * A job that waited in the queue past its startBy (queued while Redis was unreachable and sent when it came
 * back, or stuck behind busy workers) is dropped with a message, not run by surprise. Its locks go with it.
 */
export async function refuseStale(job: Job, envelope: JobEnvelope, now: number, deps: StartGuardDeps) {
  if (!envelope.startBy || now <= envelope.startBy) return;
  if (envelope.phase === 'apply') await deps.locks.release(envelope.hosts ?? [], String(job.id));
  const waited = now - job.timestamp;
  deps.log.warn({ jobId: job.id, task: job.name, waitedMs: waited }, 'job too old to start');
  await tell(envelope, renderTooLate(commandOf(job, envelope), waited), deps);
  throw new UnrecoverableError(`not started: waited ${Math.round(waited / 1000)} s in the queue`);
}

/**
 * A change runs only from a plan an admin confirmed: a changing task in any other phase than plan/preview/apply is
 * refused, and an apply job must be the very job the Confirm bound the plan to (its record in the plan store).
 * Then the hosts are taken again with the same owner, which renews the locks the Confirm took (or retakes them
 * if they ran out and nobody else has them). Returns the hosts to keep locked (the claim's, not the job data's).
 */
export async function confirmedHosts(
  job: Job,
  envelope: JobEnvelope,
  changes: boolean,
  deps: StartGuardDeps,
): Promise<string[] | undefined> {
  const { phase, planId } = envelope;
  if (phase === 'plan' || phase === 'preview') return undefined;
  if (phase === 'run') {
    if (!changes) return undefined;
    return refuse(job, envelope, notConfirmed(job), deps);
  }
  const claim = planId ? await deps.plans.claimOf(planId) : undefined;
  if (!planId || !claim || claim.job !== String(job.id) || job.id !== applyJobId(planId))
    return refuse(job, envelope, notConfirmed(job), deps);
  const holder = await deps.locks.acquire(claim.hosts, String(job.id));
  if (holder)
    return refuse(
      job,
      envelope,
      `another change (job ${holder}) took its hosts while it waited in the queue. Nothing was changed; run the command again when that job has finished.`,
      deps,
    );
  return claim.hosts;
}

const notConfirmed = (job: Job) =>
  `${job.name} changes hosts and runs only from a plan an admin confirmed, and this job has none. Nothing was changed; run the command in Slack and confirm its plan.`;
