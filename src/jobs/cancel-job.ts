import type { Queue } from 'bullmq';
import type { DispatchResult, Requester } from '../bot/dispatch.js';
import type { ChatSink } from '../chat/sink.js';
import type { Logger } from '../log/logger.js';
import type { HostLocks } from '../queue/host-locks.js';
import { isLabopsJobId } from '../queue/job-envelope.js';
import type { CancelRequests } from './cancel-requests.js';
import { summarise } from './job-summary.js';
import { renderCancelledBeforeStart } from './render-job-end.js';

export interface CancelJobDeps {
  queue: Pick<Queue, 'getJob'>;
  cancels: Pick<CancelRequests, 'request'>;
  chat: Pick<ChatSink, 'update' | 'post'>;
  locks: Pick<HostLocks, 'release'>;
  isAdmin(user: string): boolean;
  mention(user: string): string;
  /** The job names labops' tasks use: a job by any other name is not one of ours. */
  taskNames: ReadonlySet<string>;
  /** The lab of the channel (LAB_POLICY): a job of another lab is not found here. */
  lab?: string;
  log: Logger;
}

const reply = (text: string, outcome?: string): DispatchResult => ({
  kind: 'reply',
  message: { text },
  outcome,
});

/**
 * `/lab cancel <job>` and the Cancel button of `/lab jobs`: the job's requester or an admin. The reply's outcome
 * is what the audit trail records. A waiting job is
 * taken off the queue; a running one is asked to stop (the worker running it aborts its signal, kills remote
 * commands and fails the job with "cancelled by <@U>").
 */
export async function cancelJob(jobId: string, who: Requester, deps: CancelJobDeps): Promise<DispatchResult> {
  // BullMQ keeps its own keys beside the jobs' ("meta", "id", "events"): only ids labops gives are looked up
  const job = isLabopsJobId(jobId) ? await deps.queue.getJob(jobId) : undefined;
  const otherLab = deps.lab !== undefined && (job?.data as { lab?: unknown } | undefined)?.lab !== deps.lab;
  if (!job || !deps.taskNames.has(job.name) || otherLab)
    return reply(
      `There is no job \`${jobId.slice(0, 60).replace(/[`<>&]/g, "'")}\` in labops' queue: job ids are numbers such as 42, or apply-… for a confirmed change. \`/lab jobs\` lists the running ones.`,
      'cancel: no such job',
    );
  const summary = summarise(job, 'running', Date.now());
  if (summary.user !== who.user && !deps.isAdmin(who.user)) {
    return reply(
      `Only ${summary.user ? deps.mention(summary.user) : 'whoever started it'} or a lab admin may cancel job ${jobId}.`,
      'refused: neither the requester nor an admin',
    );
  }
  const reason = `cancelled by ${deps.mention(who.user)}`;
  const state = await job.getState();
  if (state === 'completed' || state === 'failed')
    return reply(
      `Job ${jobId} (\`${summary.command}\`) already ${state}; nothing to cancel.`,
      `cancel: nothing to cancel, already ${state}`,
    );
  if (state !== 'active') {
    const removed = await job.remove().then(
      () => true,
      () => false, // a worker took it in the meantime: stop it like a running one
    );
    if (removed) {
      const data = job.data as {
        phase?: string;
        hosts?: string[];
        reply?: { channel?: string; messageTs?: string };
      };
      if (data.phase === 'apply') await deps.locks.release(data.hosts ?? [], jobId);
      const { channel, messageTs } = data.reply ?? {};
      const message = renderCancelledBeforeStart(summary.command, reason);
      if (channel)
        await (messageTs
          ? deps.chat.update(channel, messageTs, message)
          : deps.chat.post(channel, message)
        ).catch((err: Error) => deps.log.warn({ msg: err.message, jobId }, 'could not tell the channel'));
      return reply(
        `Cancelled job ${jobId} (\`${summary.command}\`) before it started; nothing ran.`,
        'cancel: cancelled before it started',
      );
    }
  }
  await deps.cancels.request(jobId, reason);
  deps.log.info({ jobId, user: who.user }, 'cancel requested');
  return reply(
    `Stopping job ${jobId} (\`${summary.command}\`): its remote commands are being killed. Its message in the channel says when it has stopped.`,
    'cancel: requested while running',
  );
}
