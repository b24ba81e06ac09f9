import type { FileSink } from '../chat/file-sink.js';
import type { ReplyTarget } from '../chat/reply-target.js';
import type { ChatSink } from '../chat/sink.js';

/**
 * The chat and files of a job whose message is itself a reply in a thread (a command run from an alert's button):
 * what the task puts in its message's thread goes into that thread instead, Slack's threads being one level deep
 * (a reply to a reply is not a thread of its own). Any other job's chat and files are returned as they are.
 */
export function inReplyThread(
  chat: ChatSink,
  files: FileSink | undefined,
  reply: ReplyTarget,
): { chat: ChatSink; files: FileSink | undefined } {
  const { channel, messageTs, threadTs } = reply;
  if (!messageTs || !threadTs) return { chat, files };
  const root = (c: string, ts: string | undefined) => (c === channel && ts === messageTs ? threadTs : ts);
  return {
    chat: {
      post: (c, message, opts) => chat.post(c, message, opts),
      update: (c, ts, message, opts) =>
        chat.update(c, ts, message, c === channel && ts === messageTs ? { ...opts, threadTs } : opts),
      reply: (c, ts, message) => chat.reply(c, root(c, ts) ?? ts, message),
    },
    files: files && {
      upload: (c, file) => files.upload(c, { ...file, threadTs: root(c, file.threadTs) }),
    },
  };
}
