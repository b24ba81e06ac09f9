import type { Queue } from 'bullmq';
import type { AuditLog } from '../audit/audit-log.js';
import { historyCommand } from '../audit/history-command.js';
import type { QuickHandler } from '../bot/quick-commands.js';
import { type CancelJobDeps, cancelJob } from './cancel-job.js';
import { listJobs } from './list-jobs.js';
import { renderJobs } from './render-jobs.js';

export interface OpsCommandDeps extends CancelJobDeps {
  queue: Pick<Queue, 'getJob' | 'getJobs'>;
  audit: Pick<AuditLog, 'record' | 'recent'>;
  now(): number;
}

/** The bot's own commands about labops itself: `/lab jobs`, `/lab cancel <job>`, `/lab history [n]`. */
export function opsCommandHandlers(
  deps: OpsCommandDeps,
): Record<'lab.jobs' | 'lab.cancel' | 'lab.history', QuickHandler> {
  return {
    'lab.jobs': async (_args, who) => {
      const jobs = await listJobs(deps.queue, deps.now(), undefined, deps.lab);
      const canCancel = (j: { user?: string }) => j.user === who.user || deps.isAdmin(who.user);
      return { kind: 'reply', message: renderJobs(jobs, { canCancel }, deps.mention) };
    },
    'lab.cancel': (args, who) => cancelJob(args[0] ?? '', who, deps),
    'lab.history': (args) => historyCommand(args, deps),
  };
}
