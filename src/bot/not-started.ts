import type { DispatchResult } from './dispatch.js';

/** Why a command or a Confirm started nothing, for the user and the audit trail. */
export interface NotStarted {
  /** What happened and what to do, for the requester alone. */
  text: string;
  outcome: string;
}

/** The text users see when Redis does not answer (issue 11: within seconds, never a hang). */
export const QUEUE_UNREACHABLE =
  'labops cannot reach its queue; nothing was started. Try again in a minute; if it persists, ask a lab admin to check Redis (`/readyz` says why).';

/** Slack Web API errors carry a code such as slack_webapi_platform_error, and Slack's own in data.error. */
function slackCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; data?: { error?: unknown } };
  if (typeof e?.data?.error === 'string') return e.data.error;
  return typeof e?.code === 'string' && e.code.startsWith('slack_') ? e.code : undefined;
}

/**
 * An error on the way to the queue: Slack refused a message, or the queue did not answer. from says which call
 * failed when the caller knows; otherwise Slack's errors are told apart by their code.
 */
export function notStarted(err: unknown, again: string, from?: 'slack' | 'queue'): NotStarted {
  const code =
    from === 'queue'
      ? undefined
      : (slackCode(err) ?? (from === 'slack' ? (err as Error)?.message : undefined));
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
  return { text: QUEUE_UNREACHABLE, outcome: `not started: queue unreachable (${(err as Error)?.message})` };
}

const REDIS_DOWN = /Command timed out|Connection is closed|Stream isn't writeable|max retries per request/i;

/**
 * A handler whose errors, while Redis does not answer, become the clear answer above instead of the Slack
 * listener's generic one. Other errors (bugs) go on as they were.
 */
export function answerWhenQueueDown<A extends unknown[]>(
  handle: (...args: A) => Promise<DispatchResult>,
  queueReady: () => boolean,
): (...args: A) => Promise<DispatchResult> {
  return (...args) =>
    handle(...args).catch((err: Error) => {
      if (queueReady() && !REDIS_DOWN.test(err?.message ?? '')) throw err;
      return { kind: 'reply', message: { text: QUEUE_UNREACHABLE }, outcome: `not started: ${err?.message}` };
    });
}
