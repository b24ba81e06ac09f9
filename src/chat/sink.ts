import type { ChatMessage } from './message.js';

/** Where a job's replies go: a Slack channel, or the terminal of the console adapter. */
export interface ReplyTarget {
  channel: string;
  /** The message the bot posted when it took the command; updated in place as the job goes. */
  messageTs?: string;
  user?: string;
}

/** The one edge through which workers talk to people. */
export interface ChatSink {
  post(channel: string, message: ChatMessage): Promise<{ ts: string }>;
  update(channel: string, ts: string, message: ChatMessage): Promise<void>;
  reply(channel: string, threadTs: string, message: ChatMessage): Promise<void>;
}
