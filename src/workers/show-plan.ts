import type { Job } from 'bullmq';
import { withConfirmButtons, withOutcome } from '../bot/render-plan.js';
import type { ChatSink } from '../chat/sink.js';
import type { JobEnvelope } from '../queue/job-envelope.js';
import type { PlanStore } from '../queue/plan-store.js';
import type { Plan } from '../tasks/task.js';

/**
 * Shows a changing task's plan where the command was answered. A real plan is kept for confirmation
 * (its id goes on the Confirm button); a preview or an empty plan is only shown.
 */
export async function showPlan(
  plan: Plan,
  envelope: JobEnvelope,
  job: Job,
  deps: { chat: Pick<ChatSink, 'post' | 'update'>; plans: Pick<PlanStore, 'save' | 'ttlSeconds'> },
): Promise<{ planId?: string; empty: boolean }> {
  const { channel, messageTs, user } = envelope.reply;
  const command = envelope.command ?? `/lab ${job.name}`;
  const show = (m: Plan['message']) =>
    messageTs ? deps.chat.update(channel, messageTs, m) : deps.chat.post(channel, m).then(() => undefined);
  if (plan.empty) {
    await show(withOutcome(plan.message, plan.emptyNote ?? 'Nothing to change.'));
    return { empty: true };
  }
  if (envelope.phase === 'preview') {
    await show(withOutcome(plan.message, 'Preview only: nothing was changed.'));
    return { empty: false };
  }
  const ts = messageTs ?? (await deps.chat.post(channel, plan.message)).ts;
  const { phase: _phase, ...data } = job.data as Record<string, unknown>;
  const saved = await deps.plans.save({
    task: job.name,
    data,
    hosts: plan.hosts,
    command,
    channel,
    messageTs: ts,
    requestedBy: user,
    message: plan.message,
  });
  await deps.chat.update(
    channel,
    ts,
    withConfirmButtons(plan.message, saved.id, command, deps.plans.ttlSeconds / 60, envelope.confirmNote),
  );
  return { planId: saved.id, empty: false };
}
