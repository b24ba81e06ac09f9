import type { Logger } from '../log/logger.js';
import type { ChatSink } from './sink.js';

/**
 * The chat of a job: an update or thread reply that Slack did not take (after the client's timeout and retries) is
 * logged and skipped, so the job goes on, finishes, and its later messages still go out; a final update (the job's
 * summary) is posted in the message's thread instead, so the result is never lost. A post that fails still
 * throws: there is no message to carry on with. Not for the drift watch, which keeps what failed for its next check.
 */
export function bestEffort(chat: ChatSink, log: Logger): ChatSink {
  const skipped = (what: string, channel: string) => (err: Error) =>
    log.warn({ channel, call: what, msg: err.message }, 'Slack message not delivered; the job goes on');
  return {
    post: (channel, message, opts) => chat.post(channel, message, opts),
    // a final state that cannot replace the message (chat.update rate-limited for long) goes into its thread
    update: (channel, ts, message, opts) =>
      chat
        .update(channel, ts, message, opts)
        .catch((err: Error) => {
          if (!opts?.final) throw err;
          log.warn({ channel, msg: err.message }, 'final update not delivered; posting it in the thread');
          return chat.reply(channel, opts.threadTs ?? ts, message);
        })
        .catch(skipped('chat.update', channel)),
    reply: (channel, threadTs, message) =>
      chat.reply(channel, threadTs, message).catch(skipped('chat.postMessage (thread)', channel)),
  };
}
