import type { ChatMessage } from './message.js';

/** The one edge through which workers talk to people. */
export interface ChatSink {
  post(channel: string, message: ChatMessage): Promise<{ ts: string }>;
  update(channel: string, ts: string, message: ChatMessage): Promise<void>;
  reply(channel: string, threadTs: string, message: ChatMessage): Promise<void>;
}
