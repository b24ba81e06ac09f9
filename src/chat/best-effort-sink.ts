import type { Logger } from '../log/logger.js';
import type { ChatSink } from './sink.js';

/**
 * The chat of a job: an update or thread reply that Slack did not take (after the client's timeout and retries) is
 * logged and skipped, so the job goes on, finishes, and its later messages still go out. A post that fails still
 * throws: there is no message to carry on with. Not for the drift watch, which keeps what failed for its next check.
 */
export function bestEffort(chat: ChatSink, log: Logger): ChatSink {
  const skipped = (what: string, channel: string) => (err: Error) =>
    log.warn({ channel, call: what, msg: err.message }, 'Slack message not delivered; the job goes on');
  return {
    post: (channel, message) => chat.post(channel, message),
    update: (channel, ts, message) =>
      chat.update(channel, ts, message).catch(skipped('chat.update', channel)),
    reply: (channel, threadTs, message) =>
      chat.reply(channel, threadTs, message).catch(skipped('chat.postMessage (thread)', channel)),
  };
}
