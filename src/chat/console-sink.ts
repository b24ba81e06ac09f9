import type { ConsoleView } from '../console/console-view.js';
import type { ChatSink } from './sink.js';

/** The console adapter's "channel": posts, updates and thread replies go to the view that shows them. */
export function createConsoleSink(view: Pick<ConsoleView, 'post' | 'update' | 'reply'>): ChatSink {
  let next = 1;
  return {
    async post(channel, message) {
      const ts = String(next++);
      view.post(channel, ts, message.text);
      return { ts };
    },
    async update(channel, ts, message) {
      view.update(channel, ts, message.text);
    },
    async reply(channel, threadTs, message) {
      view.reply(channel, threadTs, message.text);
    },
  };
}
