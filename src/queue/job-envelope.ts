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
  /** Epoch ms by which a worker must have started it; later it is dropped, not run (see the worker's guards). */
  startBy: z.number().int().positive().optional(),
  reply: ReplyTarget,
  /** The lab whose hosts it runs on (LAB_POLICY); absent: the one lab of a labops without a policy. */
  lab: z.string().max(32).optional(),
  /** A plan's line about who may confirm it (LAB_POLICY), shown above its buttons. */
  confirmNote: z.string().max(300).optional(),
  /** A confirmed change: who confirmed it and who asked, for its final message (two-person approval). */
  approval: z.object({ by: z.string().max(64), requestedBy: z.string().max(64).optional() }).optional(),
});
export type JobEnvelope = z.infer<typeof JobEnvelope>;

/** The lock owner of a confirmed plan's run; also its job id, so a plan runs at most once. */
export const applyJobId = (planId: string) => `apply-${planId}`;

const APPLY_ID = /^apply-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The ids labops gives jobs: BullMQ's counter ("42") for commands, applyJobId for a confirmed change. Anything
 * else (BullMQ's own keys such as "meta", "id", "events") is not a job of ours.
 */
export const isLabopsJobId = (id: string) => /^[1-9]\d{0,15}$/.test(id) || APPLY_ID.test(id);

/**
 * How long a job may wait in the queue before a worker must start it: one queued while Redis was unreachable,
 * or stuck behind others, is dropped with a message rather than run by surprise much later.
 */
export const JOB_START_WITHIN_MS = 10 * 60_000;
