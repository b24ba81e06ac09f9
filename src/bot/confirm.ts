import type { Queue } from 'bullmq';
import type { AuditLog } from '../audit/audit-log.js';
import type { ChatSink } from '../chat/sink.js';
import type { Logger } from '../log/logger.js';
import type { HostLocks } from '../queue/host-locks.js';
import { applyJobId } from '../queue/job-envelope.js';
import type { PlanStore } from '../queue/plan-store.js';
import type { DispatchResult } from './dispatch.js';
import { refusal } from './permissions.js';
import { renderRunning, withOutcome } from './render-plan.js';

export interface ConfirmDeps {
  plans: PlanStore;
  locks: HostLocks;
  queue: Pick<Queue, 'add'>;
  chat: Pick<ChatSink, 'post' | 'update'>;
  isAdmin(user: string): boolean;
  /** How a user is named in messages: <@U123> in Slack. */
  mention(user: string): string;
  audit: Pick<AuditLog, 'record'>;
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

/** An admin's Confirm: takes the hosts' locks, claims the plan once, queues its run. Shared by Slack and console. */
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
  if (!deps.isAdmin(user)) {
    deps.log.warn({ user, planId, command: plan.command }, 'confirm refused: not an admin');
    await audit('refusal', 'refused: not an admin');
    return reply(refusal(plan.command.replace(/^\/lab /, '')));
  }
  const owner = applyJobId(planId);
  const holder = await deps.locks.acquire(plan.hosts, owner);
  if (holder) {
    await audit('confirm', `not run: busy, job ${holder} holds the hosts`);
    return reply(
      `Another change is running on these hosts (job ${holder}). Confirm again when it has finished.`,
    );
  }
  const by = deps.mention(user);
  const claim = await deps.plans.claim(planId, `confirmed by ${by}`);
  if (!claim.ok) {
    if (claim.reason === 'expired') await deps.locks.release(plan.hosts, owner);
    await audit('confirm', `not run: plan ${claim.reason}`);
    return gone(claim); // a second click: the first one runs it
  }
  await deps.chat.update(plan.channel, plan.messageTs, withOutcome(plan.message, `✅ Confirmed by ${by}.`));
  const { ts } = await deps.chat.post(plan.channel, renderRunning(plan.command, by));
  const reply_ = { channel: plan.channel, messageTs: ts, user };
  await deps.queue.add(
    plan.task,
    { ...plan.data, reply: reply_, phase: 'apply', planId, hosts: plan.hosts, command: plan.command },
    { jobId: owner },
  );
  deps.log.info({ user, planId, task: plan.task, hosts: plan.hosts }, 'plan confirmed');
  await audit('confirm', 'confirmed, queued', owner);
  return { kind: 'job', jobId: owner, messageTs: ts };
}

/** Cancel: the requester or an admin. Nothing ran, nothing will. */
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
