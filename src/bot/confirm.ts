import type { Queue } from 'bullmq';
import type { AuditLog } from '../audit/audit-log.js';
import { ReplyTarget } from '../chat/reply-target.js';
import type { ChatSink } from '../chat/sink.js';
import type { Logger } from '../log/logger.js';
import type { HostLocks } from '../queue/host-locks.js';
import { applyJobId, JOB_START_WITHIN_MS } from '../queue/job-envelope.js';
import type { PendingPlan, PlanStore } from '../queue/plan-store.js';
import type { DispatchResult } from './dispatch.js';
import { notStarted } from './not-started.js';
import { refusal } from './permissions.js';
import { renderRunning, withOutcome } from './render-plan.js';

export interface ConfirmDeps {
  plans: PlanStore;
  locks: HostLocks;
  queue: Pick<Queue, 'add'>;
  chat: Pick<ChatSink, 'post' | 'update'>;
  isAdmin(user: string): boolean;
  /** With a policy file: refuses a Confirm by someone without the command's role, or by its requester when two must agree. */
  mayConfirm?(plan: PendingPlan, user: string): { text: string; outcome: string } | undefined;
  /** How a user is named in messages: <@U123> in Slack. */
  mention(user: string): string;
  audit: Pick<AuditLog, 'record'>;
  /** How long a confirmed run may wait in the queue before a worker must start it (default 10 minutes). */
  startWithinMs?: number;
  log: Logger;
}

const reply = (text: string): DispatchResult => ({ kind: 'reply', message: { text } });

function gone(result: { reason: 'expired' } | { reason: 'handled'; outcome: string }): DispatchResult {
  return reply(
    result.reason === 'expired'
      ? 'This plan expired (plans are kept 10 minutes) and nothing was run. Run the command again for a fresh plan.'
      : `This plan was already handled (${result.outcome}); nothing more was started.`,
  );
}

/**
 * An admin's Confirm: claims the plan once (of two clicks, or a Confirm and a Cancel, one wins), then takes the
 * hosts' locks and queues the run. Every way out that queues nothing releases the locks. Shared by Slack and console.
 */
export async function confirmPlan(planId: string, user: string, deps: ConfirmDeps): Promise<DispatchResult> {
  const plan = await deps.plans.get(planId);
  const audit = (kind: 'confirm' | 'refusal', outcome: string, job?: string) =>
    deps.audit.record({
      kind,
      user,
      channel: plan?.channel ?? '?',
      text: plan?.command ?? `plan ${planId}`,
      outcome,
      job,
    });
  if (!plan) {
    const why = await deps.plans.whyGone(planId);
    await audit('confirm', `not run: plan ${why.reason}`);
    return gone(why);
  }
  const refused = deps.mayConfirm
    ? deps.mayConfirm(plan, user)
    : deps.isAdmin(user)
      ? undefined
      : { text: refusal(plan.command.replace(/^\/lab /, '')), outcome: 'refused: not an admin' };
  if (refused) {
    deps.log.warn({ user, planId, command: plan.command, why: refused.outcome }, 'confirm refused');
    await audit('refusal', refused.outcome);
    return reply(refused.text);
  }
  const owner = applyJobId(planId);
  const by = deps.mention(user);
  // someone other than the requester confirmed: they are the approver, named in the trail and the messages
  const approver =
    deps.mayConfirm && plan.requestedBy && plan.requestedBy !== user ? plan.requestedBy : undefined;
  const confirmed = approver
    ? `confirmed by ${by} (approver; requested by ${deps.mention(approver)})`
    : `confirmed by ${by}`;
  const claim = await deps.plans.claim(planId, confirmed, { job: owner, hosts: plan.hosts });
  if (!claim.ok) {
    await audit('confirm', `not run: plan ${claim.reason}`);
    return gone(claim); // a second click, or a Cancel that came first: no lock was taken
  }
  const { hosts } = claim.plan;
  let queued = false;
  try {
    // the run may wait in the queue: its locks last until a worker must have started it, which then renews them
    const startWithinMs = deps.startWithinMs ?? JOB_START_WITHIN_MS;
    const holder = await deps.locks.acquire(hosts, owner, startWithinMs + deps.locks.ttlMs);
    if (holder) return await busy(claim.plan, holder, confirmed, deps, audit);
    const shown =
      approver && deps.mayConfirm ? `${by}, approver; requested by ${deps.mention(approver)}` : by;
    await deps.chat.update(
      plan.channel,
      plan.messageTs,
      withOutcome(plan.message, `✅ Confirmed by ${shown}.`),
    );
    // a plan opened from an alert's button runs in the alert's thread too
    const threadTs = ReplyTarget.safeParse(plan.data.reply).data?.threadTs;
    const inThread = threadTs ? { threadTs } : undefined;
    const { ts } = await deps.chat.post(plan.channel, renderRunning(plan.command, shown), inThread);
    const data = {
      ...plan.data,
      reply: { channel: plan.channel, messageTs: ts, user, ...inThread },
      phase: 'apply',
      ...(deps.mayConfirm && { approval: { by: user, ...(approver && { requestedBy: approver }) } }),
    };
    const startBy = Date.now() + startWithinMs;
    await deps.queue.add(
      plan.task,
      { ...data, planId, hosts, command: plan.command, startBy },
      { jobId: owner },
    );
    queued = true;
    deps.log.info({ user, planId, task: plan.task, hosts }, 'plan confirmed');
    await audit('confirm', deps.mayConfirm ? `${confirmed}, queued` : 'confirmed, queued', owner);
    return { kind: 'job', jobId: owner, messageTs: ts };
  } catch (err) {
    return await failed(claim.plan, err, deps, audit);
  } finally {
    if (!queued)
      await deps.locks
        .release(hosts, owner)
        .catch((e: Error) => deps.log.warn({ msg: e.message, planId }, 'host locks not released'));
  }
}

/** The hosts are busy: the plan is given back (its Confirm works again later) while its 10 minutes last. */
async function busy(
  plan: PendingPlan,
  holder: string,
  confirmed: string,
  deps: ConfirmDeps,
  audit: (kind: 'confirm', outcome: string) => Promise<void>,
): Promise<DispatchResult> {
  const back = await deps.plans.unclaim(plan, confirmed);
  if (!back) await deps.plans.settle(plan.id, `not run: job ${holder} held the hosts`);
  await audit('confirm', `not run: busy, job ${holder} holds the hosts`);
  return reply(
    back
      ? `Another change is running on these hosts (job ${holder}); nothing was started. This plan is still pending: Confirm again when that job has finished.`
      : `Another change is running on these hosts (job ${holder}); nothing was started, and this plan has expired. Run \`${plan.command}\` again when that job has finished.`,
  );
}

/** Slack or the queue failed after the claim: nothing was queued, the plan ends, the admin is told to run it again. */
async function failed(
  plan: PendingPlan,
  err: unknown,
  deps: ConfirmDeps,
  audit: (kind: 'confirm', outcome: string) => Promise<void>,
): Promise<DispatchResult> {
  const why = notStarted(err, `Run \`${plan.command}\` again for a fresh plan.`);
  deps.log.warn({ planId: plan.id, msg: (err as Error)?.message }, 'confirmed plan not queued');
  await deps.plans
    .settle(plan.id, why.outcome)
    .catch((e: Error) => deps.log.warn({ msg: e.message }, 'plan outcome not kept'));
  await deps.chat
    .update(plan.channel, plan.messageTs, withOutcome(plan.message, `⚠️ Not run: ${why.text}`))
    .catch(() => undefined); // Slack may be what failed
  await audit('confirm', `not run: ${why.outcome}`);
  return reply(why.text);
}

/** Cancel: the requester or an admin. Nothing ran, nothing will; a Confirm that loses this race takes no lock. */
export async function cancelPlan(planId: string, user: string, deps: ConfirmDeps): Promise<DispatchResult> {
  const plan = await deps.plans.get(planId);
  const audit = (kind: 'cancel' | 'refusal', outcome: string) =>
    deps.audit.record({
      kind,
      user,
      channel: plan?.channel ?? '?',
      text: plan?.command ?? `plan ${planId}`,
      outcome,
    });
  if (plan && plan.requestedBy !== user && !deps.isAdmin(user)) {
    await audit('refusal', 'refused: cancel by neither the requester nor an admin');
    return reply('Only the admin who asked for this plan, or another admin, can cancel it.');
  }
  const by = deps.mention(user);
  const claim = await deps.plans.claim(planId, `cancelled by ${by}`);
  if (!claim.ok) {
    await audit('cancel', `nothing to cancel: plan ${claim.reason}`);
    return gone(claim);
  }
  await deps.chat.update(
    claim.plan.channel,
    claim.plan.messageTs,
    withOutcome(claim.plan.message, `✖️ Cancelled by ${by}; nothing was changed.`),
  );
  deps.log.info({ user, planId, task: claim.plan.task }, 'plan cancelled');
  await audit('cancel', 'plan cancelled, nothing changed');
  return reply('Cancelled; nothing was changed.');
}
