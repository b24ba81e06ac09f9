import { type ConnectionOptions, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { ChatSink } from '../chat/sink.js';
import type { Inventory } from '../inventory/index.js';
import type { Logger } from '../log/logger.js';
import type { HostLocks } from '../queue/host-locks.js';
import { JobEnvelope } from '../queue/job-envelope.js';
import { JOBS_QUEUE } from '../queue/jobs-queue.js';
import type { PlanStore } from '../queue/plan-store.js';
import type { SshPool } from '../ssh/ssh-pool.js';
import type { Task, TaskContext, TaskSettings } from '../tasks/task.js';
import { showPlan } from './show-plan.js';

export interface TaskWorkerDeps {
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  tasks: readonly Task[];
  inventory: () => Inventory;
  ssh: Pick<SshPool, 'exec'>;
  chat: ChatSink;
  plans: Pick<PlanStore, 'save' | 'ttlSeconds'>;
  locks: Pick<HostLocks, 'release'>;
  settings: TaskSettings;
  log: Logger;
}

const invalid = (what: string, err: { issues: { path: (string | number)[] }[] }) =>
  new UnrecoverableError(`bad ${what}: ${err.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`);

/**
 * Looks the task up by job name, validates the payload, runs the phase the job asks for.
 * Bad jobs fail once and are never retried.
 */
export function createTaskWorker(deps: TaskWorkerDeps): Worker {
  const byName = new Map(deps.tasks.map((t) => [t.name, t]));

  const processor = async (job: Job) => {
    const task = byName.get(job.name);
    if (!task) throw new UnrecoverableError(`no task named "${job.name}" on this worker`);
    const envelope = JobEnvelope.safeParse(job.data);
    if (!envelope.success) throw invalid(`job data for ${job.name}`, envelope.error);
    const parsed = task.payload.safeParse(job.data);
    if (!parsed.success) throw invalid(`payload for ${job.name}`, parsed.error);
    const { phase, planId, hosts = [] } = envelope.data;

    // TODO(cancel): /lab cancel (issue 7) will abort this controller
    const controller = new AbortController();
    const log = deps.log.child({ jobId: job.id, task: job.name, phase });
    const ctx: TaskContext<unknown> = {
      payload: parsed.data,
      inventory: deps.inventory(),
      ssh: deps.ssh,
      chat: deps.chat,
      log,
      signal: controller.signal,
      settings: deps.settings,
    };
    log.info('job started');
    if (phase === 'plan' || phase === 'preview') {
      if (!task.plan) throw new UnrecoverableError(`${job.name} has no plan step`);
      return showPlan(await task.plan(ctx), envelope.data, job, deps);
    }
    try {
      const result = await task.run(ctx);
      log.info('job finished');
      return result;
    } finally {
      if (phase === 'apply' && planId) await deps.locks.release(hosts, job.id ?? '');
    }
  };

  const worker = new Worker(JOBS_QUEUE, processor, {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: deps.concurrency,
  });
  worker.on('failed', (job, err) =>
    deps.log.warn({ jobId: job?.id, task: job?.name, msg: err.message }, 'job failed'),
  );
  worker.on('error', (err) => deps.log.error({ msg: err.message }, 'worker error'));
  return worker;
}
