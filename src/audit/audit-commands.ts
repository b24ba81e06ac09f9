import type { DispatchResult, Requester } from '../bot/dispatch.js';
import type { AuditLog } from './audit-log.js';

type Handle = (text: string, who: Requester) => Promise<DispatchResult>;

/** What a command's result means for the trail: a refusal, a rejected text, an answer, or the job it queued. */
export function commandOutcome(result: DispatchResult): {
  kind: 'command' | 'refusal' | 'cancel';
  outcome: string;
  job?: string;
} {
  if (result.kind === 'job')
    return {
      kind: 'command',
      outcome: result.awaitsConfirmation ? 'queued (plan)' : 'queued',
      job: result.jobId,
    };
  const outcome = result.outcome ?? 'answered';
  const kind = outcome.startsWith('refused')
    ? 'refusal'
    : outcome.startsWith('cancel:')
      ? 'cancel'
      : 'command';
  return { kind, outcome: outcome.replace(/^cancel: /, '') };
}

/**
 * Every /lab command, whoever answers it (dispatch, the bot's quick commands), is recorded with its outcome.
 * Wraps the handler the Slack listener and the console adapter call.
 */
export function auditCommands(handle: Handle, audit: Pick<AuditLog, 'record'>): Handle {
  return async (text, who) => {
    const base = { user: who.user, channel: who.channel, text: `/lab ${text}`.trim() };
    let result: DispatchResult;
    try {
      result = await handle(text, who);
    } catch (err) {
      await audit.record({ ...base, kind: 'command', outcome: `error: ${(err as Error).message}` });
      throw err;
    }
    await audit.record({ ...base, ...commandOutcome(result) });
    return result;
  };
}
