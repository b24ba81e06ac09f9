import type { WebClient } from '@slack/web-api';
import type { ChatMessage } from './message.js';
import type { ChatSink } from './sink.js';

/** Posts through Slack's Web API. WebClient retries rate limits (Retry-After) and 5xx itself. */
export function createSlackSink(client: WebClient): ChatSink {
  return {
    async post(channel, message: ChatMessage, opts) {
      const res = await client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
        ...(opts?.threadTs && { thread_ts: opts.threadTs }),
      });
      return { ts: res.ts as string };
    },
    async update(channel, ts, message) {
      await client.chat.update({ channel, ts, text: message.text, blocks: message.blocks ?? [] });
    },
    async reply(channel, threadTs, message) {
      await client.chat.postMessage({
        channel,
        thread_ts: threadTs,
        text: message.text,
        blocks: message.blocks,
      });
    },
  };
}
