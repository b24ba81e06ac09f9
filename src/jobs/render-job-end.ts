import { context } from '../chat/blocks.js';
import type { ChatMessage } from '../chat/message.js';

const section = (text: string): ChatMessage => ({
  text,
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
});

const seconds = (ms: number) =>
  ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;

/** The job's message once it was cancelled while running: what stopped, and that nothing more runs. */
export function renderCancelled(command: string, reason: string, elapsedMs: number): ChatMessage {
  return section(
    `✖️ \`${command}\` was ${reason} after ${seconds(elapsedMs)}. Remote commands still running were stopped; hosts not reached yet were left alone.`,
  );
}

/** A job cancelled before any worker started it. */
export function renderCancelledBeforeStart(command: string, reason: string): ChatMessage {
  return section(`✖️ \`${command}\` was ${reason} before it started; nothing ran.`);
}

export const INTERRUPTED =
  'interrupted: the worker stopped mid-change; check the hosts and run the command again';

/**
 * A confirmed change whose worker died mid-way: it is not run a second time. `last` is the job's message as the
 * task last showed it (a deploy's checklist), kept below so the channel sees where it stopped.
 */
export function renderInterrupted(command: string, last?: ChatMessage): ChatMessage {
  const head = section(
    `⚠️ \`${command}\` was ${INTERRUPTED}. It was not restarted, because running a change twice is not safe; the hosts' locks are released.`,
  );
  if (!last) return head;
  const where = 'Where it was when the worker stopped:';
  return {
    text: `${head.text}\n${where}\n${last.text}`,
    blocks: [
      ...(head.blocks ?? []),
      context(where),
      ...(last.blocks ?? section(last.text).blocks ?? []),
    ].slice(0, 50),
  };
}

/** A job that stopped on an unexpected error: what, and what to do next. */
export function renderFailed(command: string, error: string, jobId: string): ChatMessage {
  const what = error.length > 300 ? `${error.slice(0, 299)}…` : error;
  return section(
    `❌ \`${command}\` stopped on an unexpected error: ${what.replace(/[<>&]/g, ' ')}. Try again; if it happens again, give the lab admins job id ${jobId} (its log lines carry it).`,
  );
}

/** A job that waited in the queue past its deadline (Redis was unreachable, or every worker was busy). */
export function renderTooLate(command: string, waitedMs: number): ChatMessage {
  return section(
    `⌛ \`${command}\` was not started: it waited ${seconds(waitedMs)} in labops' queue (its queue was unreachable or every worker was busy), and a command that old is not run by surprise. Nothing ran; run it again if you still need it.`,
  );
}

/** A job the worker will not run as it stands; why says what is missing and what to do. */
export function renderRefused(command: string, why: string): ChatMessage {
  return section(`⛔ \`${command}\` was not run: ${why}`);
}
