import { setMaxListeners } from 'node:events';
import { type ConnectionOptions, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { AuditLog } from '../audit/audit-log.js';
import type { FileSink } from '../chat/file-sink.js';
import type { ChatSink } from '../chat/sink.js';
import type { Inventory } from '../inventory/index.js';
import { renderRefused } from '../jobs/render-job-end.js';
import type { Logger } from '../log/logger.js';
import type { HostLocks } from '../queue/host-locks.js';
import { JobEnvelope } from '../queue/job-envelope.js';
import { JOBS_QUEUE } from '../queue/jobs-queue.js';
import { heartbeat } from '../queue/lock-heartbeat.js';
import type { PlanStore } from '../queue/plan-store.js';
import type { ExecStream } from '../ssh/exec-stream.js';
import type { PoolSsh } from '../ssh/ssh-pool.js';
import type { SharedNtpCheck, Task, TaskContext, TaskSettings } from '../tasks/task.js';
import { withCancelBarChat } from './cancel-bar-chat.js';
import { guardChat, JobCancelled, untilCancelled } from './cancellable.js';
import { type JobGuardDeps, refuseToStart, reportCancelled, reportUnexpected, tell } from './job-guards.js';
import { showPlan } from './show-plan.js';
import { confirmedHosts, refuseStale } from './start-guards.js';
import { inReplyThread } from './thread-chat.js';
import { workerName } from './worker-name.js';

export interface TaskWorkerDeps {
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  tasks: readonly Task[];
  inventory: () => Inventory;
  ssh: PoolSsh;
  chat: ChatSink;
  plans: Pick<PlanStore, 'save' | 'ttlSeconds' | 'claimOf'>;
  locks: Pick<HostLocks, 'acquire' | 'release' | 'ttlMs'>;
  settings: TaskSettings;
  /** Streaming exec for long commands (optional: tasks fall back to ssh.exec). */
  execStream?: ExecStream;
  /** Where tasks attach files (optional). */
  files?: FileSink;
  /** Cancel requests asked before the job started (running ones arrive through worker.cancelJob). */
  cancels: JobGuardDeps['cancels'];
  audit: Pick<AuditLog, 'record'>;
  /** BullMQ's lock: a dead worker's job is handed on after about twice this (lockDuration + stalledInterval). */
  lockMs?: number;
  /** Where tasks that check clocks keep each host's last state (the App Home shows them). */
  ntpStates?: TaskContext<unknown>['ntpStates'];
  /**
   * The lab a job names (LAB_POLICY): its inventory, SSH pool, host locks, trail and clock states; undefined when
   * the policy has no such lab (any more). Absent: every job runs on the deps above.
   */
  forLab?(lab: string | undefined): LabWorkerDeps | undefined;
  /** A large check of clocks shared by the workers, for the job that coordinates it (absent: never shared). */
  sharedNtpCheck?(job: { id: string; lab?: string }): SharedNtpCheck;
  log: Logger;
}

/** What differs from lab to lab on a worker. */
export type LabWorkerDeps = Pick<
  TaskWorkerDeps,
  'inventory' | 'ssh' | 'locks' | 'audit' | 'ntpStates' | 'execStream'
>;

/** The job's lab; one the policy no longer has (a reload took it out while the job waited) is refused, and said so. */
async function labOf(deps: TaskWorkerDeps, envelope: JobEnvelope): Promise<Partial<LabWorkerDeps>> {
  if (!deps.forLab) return {};
  const found = deps.forLab(envelope.lab);
  if (found) return found;
  const why = `lab ${envelope.lab} is not in labops' policy any more, so nothing was run. Ask an admin to check LAB_POLICY.`;
  await tell(envelope, renderRefused(envelope.command ?? 'the command', why), deps);
  throw new UnrecoverableError(`refused: ${why}`);
}

const auditOf = (deps: TaskWorkerDeps, lab: unknown) =>
  (deps.forLab && (typeof lab === 'string' || lab === undefined) ? deps.forLab(lab)?.audit : undefined) ??
  deps.audit;

/** The last line of a confirmed change's messages: who approved it, and who asked (two-person approval). */
function approvalLine(approval: { by: string; requestedBy?: string } | undefined): string | undefined {
  if (!approval) return undefined;
  const asked = approval.requestedBy ? `; requested by <@${approval.requestedBy}>` : '';
  return `Approved by <@${approval.by}>${asked}.`;
}

const invalid = (what: string, err: { issues: { path: (string | number)[] }[] }) =>
  new UnrecoverableError(`bad ${what}: ${err.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`);

/**
 * Looks the task up by job name, validates the payload, runs the phase the job asks for.
 * Bad jobs fail once and are never retried.
 */
export function createTaskWorker(deps: TaskWorkerDeps): Worker {
  const byName = new Map(deps.tasks.map((t) => [t.name, t]));

  // three parameters: BullMQ then passes an AbortSignal that worker.cancelJob aborts
  const processor = async (job: Job, _token?: string, jobSignal?: AbortSignal) => {
    const signal = jobSignal ?? new AbortController().signal;
    setMaxListeners(0, signal); // one listener per host command of a fan-out: dozens are expected
    const task = byName.get(job.name);
    if (!task) throw new UnrecoverableError(`no task named "${job.name}" on this worker`);
    const envelope = JobEnvelope.safeParse(job.data);
    if (!envelope.success) throw invalid(`job data for ${job.name}`, envelope.error);
    const parsed = task.payload.safeParse(job.data);
    if (!parsed.success) throw invalid(`payload for ${job.name}`, parsed.error);
    const { phase } = envelope.data;
    // the job's lab: its hosts, SSH pool, locks, trail (a labops without LAB_POLICY has one lab, deps itself)
    const d = { ...deps, ...(await labOf(deps, envelope.data)) };
    // (the lab's locks: its Confirm took them under the lab's keys)
    await refuseToStart(job, envelope.data, d);
    if (job.attemptsStarted <= 1) await refuseStale(job, envelope.data, Date.now(), d);
    const locked = await confirmedHosts(job, envelope.data, task.plan !== undefined, d);

    const log = d.log.child({ jobId: job.id, task: job.name, phase });
    // a command run from an alert's button answers in the alert's thread: so do its thread replies and files
    const threaded = inReplyThread(d.chat, d.files, envelope.data.reply);
    const guarded = guardChat(threaded.chat, signal);
    const { channel, messageTs, user } = envelope.data.reply;
    // a running command's message carries its id and a Cancel button (a plan has Confirm/Cancel of its own)
    const bar =
      (phase === 'run' || phase === 'apply') && messageTs
        ? withCancelBarChat(
            guarded.chat,
            { channel, messageTs },
            { jobId: String(job.id), command: envelope.data.command ?? `/lab ${job.name}`, user },
            approvalLine(envelope.data.approval),
          )
        : undefined;
    const ctx: TaskContext<unknown> = {
      payload: parsed.data,
      inventory: d.inventory(),
      ssh: d.ssh,
      chat: bar?.chat ?? guarded.chat,
      log,
      signal,
      settings: d.settings,
      ...(d.execStream && { execStream: d.execStream }),
      ...(threaded.files && { files: threaded.files }),
      ...(d.ntpStates && { ntpStates: d.ntpStates }),
      ...(d.sharedNtpCheck && {
        sharedNtpCheck: d.sharedNtpCheck({
          id: String(job.id),
          ...(envelope.data.lab !== undefined && { lab: envelope.data.lab }),
        }),
      }),
      remember: (lastMessage) => {
        job
          .updateProgress({ lastMessage })
          .catch((err: Error) => log.debug({ msg: err.message }, 'progress not kept'));
      },
    };
    log.info('job started');
    const cancelled = async (err: unknown) => {
      if (err instanceof JobCancelled)
        return reportCancelled(job, envelope.data, err.message, guarded.idle, d);
      // an unexpected failure (a bug, Redis, the network): say so where the command was answered, never silently
      if (!(err instanceof UnrecoverableError)) await reportUnexpected(job, envelope.data, err as Error, d);
      throw err;
    };
    if (phase === 'plan' || phase === 'preview') {
      const { plan } = task;
      if (!plan) throw new UnrecoverableError(`${job.name} has no plan step`);
      return untilCancelled(plan(ctx), signal).then(
        (p) => showPlan(p, envelope.data, job, { ...d, chat: guarded.chat }),
        cancelled,
      );
    }
    // the change's hosts stay locked while it runs, however long; a dead worker's locks run out on their own
    const stopHeartbeat = locked && heartbeat(d.locks, locked, String(job.id), log);
    // the button goes once the job ends (a cancel's message replaces it, and the guarded chat refuses it then)
    const unbar = async () => {
      await guarded.idle();
      await bar?.settle().catch((err: Error) => log.debug({ msg: err.message }, 'Cancel button not removed'));
    };
    try {
      const result = await untilCancelled(task.run(ctx), signal).catch(async (err: unknown) => {
        if (!(err instanceof JobCancelled)) await unbar();
        return cancelled(err);
      });
      await unbar();
      log.info('job finished');
      return result;
    } finally {
      if (stopHeartbeat) stopHeartbeat();
      if (locked) await d.locks.release(locked, String(job.id));
    }
  };

  const worker = new Worker(JOBS_QUEUE, processor, {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: deps.concurrency,
    name: workerName(),
    ...(deps.lockMs ? { lockDuration: deps.lockMs, stalledInterval: deps.lockMs } : {}),
  });
  const result = (job: Job, outcome: string) =>
    auditOf(deps, job.data?.lab).record({
      kind: 'result',
      user: String(job.data?.reply?.user ?? '?'),
      channel: String(job.data?.reply?.channel ?? '?'),
      text: String(job.data?.command ?? `/lab ${job.name}`),
      job: String(job.id),
      outcome,
    });
  worker.on('failed', (job, err) => {
    deps.log.warn({ jobId: job?.id, task: job?.name, msg: err.message }, 'job failed');
    if (job) void result(job, `failed: ${err.message}`);
  });
  worker.on('completed', (job) => void result(job, 'completed'));
  worker.on('error', (err) => deps.log.error({ msg: err.message }, 'worker error'));
  return worker;
}
