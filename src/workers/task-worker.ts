import { type ConnectionOptions, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { ChatSink } from '../chat/sink.js';
import type { Inventory } from '../inventory/index.js';
import type { Logger } from '../log/logger.js';
import { JOBS_QUEUE } from '../queue/jobs-queue.js';
import type { SshPool } from '../ssh/ssh-pool.js';
import type { Task, TaskSettings } from '../tasks/task.js';

export interface TaskWorkerDeps {
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  tasks: readonly Task[];
  inventory: () => Inventory;
  ssh: Pick<SshPool, 'exec'>;
  chat: ChatSink;
  settings: TaskSettings;
  log: Logger;
}

/** Looks the task up by job name, validates the payload, runs it. Bad jobs fail once, never retried. */
export function createTaskWorker(deps: TaskWorkerDeps): Worker {
  const byName = new Map(deps.tasks.map((t) => [t.name, t]));

  const processor = async (job: Job) => {
    const task = byName.get(job.name);
    if (!task) throw new UnrecoverableError(`no task named "${job.name}" on this worker`);
    const parsed = task.payload.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(
        `bad payload for ${job.name}: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
      );
    }
    // TODO(cancel): /lab cancel (issue 7) will abort this controller
    const controller = new AbortController();
    const log = deps.log.child({ jobId: job.id, task: job.name });
    log.info('job started');
    const result = await task.run({
      payload: parsed.data,
      inventory: deps.inventory(),
      ssh: deps.ssh,
      chat: deps.chat,
      log,
      signal: controller.signal,
      settings: deps.settings,
    });
    log.info('job finished');
    return result;
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
