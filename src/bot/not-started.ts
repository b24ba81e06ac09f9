import type { DispatchResult } from './dispatch-result.js';

/** Why a command or a Confirm started nothing, for the user and the audit trail. */
export interface NotStarted {
  /** What happened and what to do, for the requester alone. */
  text: string;
  outcome: string;
}

/** The text users see when Redis does not answer (issue 11: within seconds, never a hang). */
export const QUEUE_UNREACHABLE =
  'labops cannot reach its queue; nothing was started. Try again in a minute; if it persists, ask a lab admin to check Redis.';

/** Redis took the command but did not answer in time (the connection is open, the server stalled). */
export const QUEUE_SLOW =
  "labops' queue did not answer within 3 s, so the command was not confirmed as started. If Redis was only slow it may still start in a moment (its message in the channel will then show it); otherwise try again in a minute, and if it persists ask a lab admin to check Redis.";

/** Slack's own error code (data.error), else the message of an error @slack/web-api threw (code slack_…). */
function slackCode(err: unknown, fromSlack: boolean): string | undefined {
  const e = err as { code?: unknown; data?: { error?: unknown }; message?: unknown };
  if (typeof e?.data?.error === 'string') return e.data.error;
  const isSlack = fromSlack || (typeof e?.code === 'string' && e.code.startsWith('slack_'));
  return isSlack ? String(e?.message ?? e) : undefined;
}

/**
 * An error on the way to the queue: Slack refused a message, or the queue did not answer. from says which call
 * failed when the caller knows; otherwise Slack's errors are told apart by their code.
 */
export function notStarted(err: unknown, again: string, from?: 'slack' | 'queue'): NotStarted {
  const code = from === 'queue' ? undefined : slackCode(err, from === 'slack');
  if (code === 'not_in_channel' || code === 'channel_not_found')
    return {
      text: `I cannot post in this channel (${code}). Invite me with \`/invite @labops\` and try again.`,
      outcome: `not started: Slack answered ${code}`,
    };
  if (code)
    return {
      text: `Slack refused my message (${code}); nothing was started. ${again}`,
      outcome: `not started: Slack answered ${code}`,
    };
  const message = (err as Error)?.message ?? String(err);
  // a hung Redis (not a closed one) may still run what it was sent once it wakes: say so rather than promise
  if (/Command timed out/.test(message))
    return { text: QUEUE_SLOW, outcome: `not started: queue did not answer (${message})` };
  return { text: QUEUE_UNREACHABLE, outcome: `not started: queue unreachable (${message})` };
}

const REDIS_DOWN = /Command timed out|Connection is closed|Stream isn't writeable|max retries per request/i;

/** What the user sees when a command is still not through after ANSWER_WITHIN_MS (a stalled Redis, or Slack). */
export const STILL_WORKING =
  'labops is taking longer than usual to take that command (its queue or Slack is slow), so it is not confirmed as started. It may still start: its message in the channel will show it. If nothing appears within a minute, try again; if it persists, ask a lab admin to check Redis.';

/** Slack wants an answer within seconds: a command is answered by then, whatever is still under way. */
export const ANSWER_WITHIN_MS = 4000;

/**
 * A handler that answers in time, whatever Redis does: its errors while Redis does not answer become the clear
 * answer above instead of the Slack listener's generic one (other errors, bugs, go on as they were), and if it
 * has not answered within withinMs (each Redis call is bounded, but a command makes several), it is answered
 * with STILL_WORKING while it goes on.
 */
export function answerWhenQueueDown<A extends unknown[]>(
  handle: (...args: A) => Promise<DispatchResult>,
  queueReady: () => boolean,
  withinMs = ANSWER_WITHIN_MS,
): (...args: A) => Promise<DispatchResult> {
  return (...args) => {
    const work = handle(...args).catch((err: Error): DispatchResult => {
      if (queueReady() && !REDIS_DOWN.test(err?.message ?? '')) throw err;
      return { kind: 'reply', message: { text: QUEUE_UNREACHABLE }, outcome: `not started: ${err?.message}` };
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<DispatchResult>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'reply', message: { text: STILL_WORKING } }), withinMs);
    });
    return Promise.race([work, late]).finally(() => clearTimeout(timer));
  };
}
