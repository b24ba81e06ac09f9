import type { ChatSink } from '../chat/sink.js';

/** The job was cancelled; its message is the reason ("cancelled by <@U123>"). */
export class JobCancelled extends Error {
  override readonly name = 'JobCancelled';
}

export const reasonOf = (signal: AbortSignal) =>
  typeof signal.reason === 'string' ? signal.reason : 'cancelled';

/**
 * Settles with the work, or rejects with JobCancelled the moment the signal aborts: a task that is waiting on
 * something the signal does not reach still ends at once (its later chat calls are dropped, see guardChat).
 */
export function untilCancelled<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => undefined); // after a cancel, nobody waits for it any more
  if (signal.aborted) return Promise.reject(new JobCancelled(reasonOf(signal)));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new JobCancelled(reasonOf(signal)));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * The chat a task gets: once the job is cancelled, its posts and updates are refused, so a late progress update
 * cannot overwrite the "cancelled" message. idle() waits for calls already under way.
 */
export function guardChat(chat: ChatSink, signal: AbortSignal): { chat: ChatSink; idle(): Promise<void> } {
  const inFlight = new Set<Promise<unknown>>();
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      if (signal.aborted) return Promise.reject(new JobCancelled(reasonOf(signal)));
      const p = fn(...args);
      inFlight.add(p);
      p.then(
        () => inFlight.delete(p),
        () => inFlight.delete(p),
      );
      return p;
    };
  return {
    chat: {
      ...chat,
      post: guard(chat.post.bind(chat)),
      update: guard(chat.update.bind(chat)),
      reply: guard(chat.reply.bind(chat)),
    },
    idle: async () => {
      await Promise.allSettled([...inFlight]);
    },
  };
}
