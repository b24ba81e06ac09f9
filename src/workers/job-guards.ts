import { type Job, UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import type { ChatMessage } from '../chat/message.js';
import type { ChatSink } from '../chat/sink.js';
import type { CancelRequests } from '../jobs/cancel-requests.js';
import {
  INTERRUPTED,
  renderCancelled,
  renderCancelledBeforeStart,
  renderFailed,
  renderInterrupted,
} from '../jobs/render-job-end.js';
import type { Logger } from '../log/logger.js';
import type { HostLocks } from '../queue/host-locks.js';
import type { JobEnvelope } from '../queue/job-envelope.js';

export interface JobGuardDeps {
  chat: Pick<ChatSink, 'post' | 'update' | 'reply'>;
  locks: Pick<HostLocks, 'release'>;
  cancels: Pick<CancelRequests, 'requested'>;
  log: Logger;
}

const commandOf = (job: Job, envelope: JobEnvelope) => envelope.command ?? `/lab ${job.name}`;

/** Says it where the job reports (its message, else a new one); a Slack failure here is logged, not thrown. */
export async function tell(
  envelope: JobEnvelope,
  message: ChatMessage,
  deps: Pick<JobGuardDeps, 'chat' | 'log'>,
): Promise<void> {
  const { channel, messageTs } = envelope.reply;
  try {
    if (messageTs) await deps.chat.update(channel, messageTs, message);
    else await deps.chat.post(channel, message);
  } catch (err) {
    deps.log.warn({ channel, msg: (err as Error).message }, 'could not tell the channel how the job ended');
  }
}

/**
 * Before a job runs: one cancelled while it waited ends at once, and a confirmed change that a dead worker had
 * started is not run again (BullMQ hands a stalled job to the next worker; for a change that is not safe).
 * Either way the job fails with a reason the channel is told, and an apply job's host locks are released.
 */
export async function refuseToStart(job: Job, envelope: JobEnvelope, deps: JobGuardDeps): Promise<void> {
  const cancelled = await deps.cancels.requested(String(job.id));
  const interrupted = envelope.phase === 'apply' && job.attemptsStarted > 1;
  if (!cancelled && !interrupted) return;
  if (envelope.phase === 'apply') await deps.locks.release(envelope.hosts ?? [], String(job.id));
  const command = commandOf(job, envelope);
  if (cancelled) {
    await tell(envelope, renderCancelledBeforeStart(command, cancelled), deps);
    throw new UnrecoverableError(cancelled);
  }
  deps.log.warn({ jobId: job.id, attemptsStarted: job.attemptsStarted }, 'stalled change not run again');
  await tell(envelope, renderInterrupted(command, lastShown(job)), deps);
  throw new UnrecoverableError(INTERRUPTED);
}

/** What a task last showed in its message, kept in the job's progress (TaskContext.remember); undefined if none. */
const Shown = z.object({ lastMessage: z.object({ text: z.string(), blocks: z.array(z.any()).optional() }) });
function lastShown(job: Job): ChatMessage | undefined {
  const parsed = Shown.safeParse(job.progress);
  return parsed.success ? (parsed.data.lastMessage as ChatMessage) : undefined;
}

/** After a cancel stopped a running job: its message says so, once the task's last chat calls have landed. */
export async function reportCancelled(
  job: Job,
  envelope: JobEnvelope,
  reason: string,
  idle: () => Promise<void>,
  deps: JobGuardDeps,
): Promise<never> {
  await idle();
  const started = job.processedOn ?? Date.now();
  await tell(envelope, renderCancelled(commandOf(job, envelope), reason, Date.now() - started), deps);
  throw new UnrecoverableError(reason);
}

/**
 * A job that failed unexpectedly (not a host's error, which tasks report themselves): a thread reply, so a task's
 * own report in the message is kept, and the channel is never left with a message that says "checking…" forever.
 */
export async function reportUnexpected(
  job: Job,
  envelope: JobEnvelope,
  err: Error,
  deps: JobGuardDeps,
): Promise<void> {
  const { channel, messageTs, threadTs } = envelope.reply;
  const message = renderFailed(commandOf(job, envelope), err.message, String(job.id));
  try {
    if (messageTs) await deps.chat.reply(channel, threadTs ?? messageTs, message);
    else await deps.chat.post(channel, message);
  } catch (e) {
    deps.log.warn({ channel, msg: (e as Error).message }, 'could not tell the channel the job failed');
  }
}
