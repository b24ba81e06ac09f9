import { withOutcome } from '../bot/render-plan.js';
import type { ChatMessage } from '../chat/message.js';
import type { ChatSink } from '../chat/sink.js';
import { type RunningJob, withCancelBar } from '../jobs/render-cancel-bar.js';

/**
 * The chat a running job's task gets: every update of the job's own message carries the Cancel bar, except a
 * final one (a summary). settle() takes the bar off once the task is done, if its last update still had it.
 */
export function withCancelBarChat(
  chat: ChatSink,
  at: { channel: string; messageTs: string },
  job: RunningJob,
  /** A line every final message ends with (who approved a change). */
  footer?: string,
): { chat: ChatSink; settle(): Promise<void> } {
  const ended = (m: ChatMessage) => (footer ? withOutcome(m, footer) : m);
  let barred: ChatMessage | undefined; // the last message shown with the bar, while it still shows
  const ours = (channel: string, ts: string) => channel === at.channel && ts === at.messageTs;
  return {
    chat: {
      ...chat,
      post: chat.post.bind(chat),
      reply: chat.reply.bind(chat),
      update: async (channel, ts, message, opts) => {
        if (!ours(channel, ts)) return chat.update(channel, ts, message, opts);
        const final = opts?.final === true;
        barred = final ? undefined : message;
        return chat.update(channel, ts, final ? ended(message) : withCancelBar(message, job), opts);
      },
    },
    settle: async () => {
      const last = barred;
      barred = undefined;
      if (last) await chat.update(at.channel, at.messageTs, ended(last), { final: true });
    },
  };
}
