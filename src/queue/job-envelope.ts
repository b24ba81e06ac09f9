import { z } from 'zod';
import { ReplyTarget } from '../chat/reply-target.js';

/**
 * The part of every job's data the worker reads before the task does.
 * phase run: read-only tasks; plan: a changing task's plan, kept for confirmation; preview: a plan shown only;
 * apply: a confirmed plan's change (planId names it; hosts are the locks it holds).
 */
export const JobEnvelope = z.object({
  phase: z.enum(['run', 'plan', 'preview', 'apply']).default('run'),
  planId: z.string().uuid().optional(),
  hosts: z.array(z.string()).optional(),
  /** The command as the user would type it, for messages ("/lab ntp setup ntp_clients"). */
  command: z.string().max(200).optional(),
  /** What the target resolved to when the command came ("group openstack_controllers", "all hosts"), for /lab jobs. */
  targetLabel: z.string().max(200).optional(),
  reply: ReplyTarget,
});
export type JobEnvelope = z.infer<typeof JobEnvelope>;

/** The lock owner of a confirmed plan's run; also its job id, so a plan runs at most once. */
export const applyJobId = (planId: string) => `apply-${planId}`;
