import type { ChatMessage } from './message.js';

export interface UpdateOptions {
  final?: boolean;
  /** The thread the message is itself a reply in: what belongs in its thread (files, a summary) goes there. */
  threadTs?: string;
}

export interface PostOptions {
  /** Post it as a reply in this thread (a command run from a button on an alert answers in the alert's thread). */
  threadTs?: string;
}

/** The options of a message's last update: its final state (a summary, a result, a failure). */
export const FINAL: UpdateOptions = Object.freeze({ final: true });

/** The one edge through which workers talk to people. */
export interface ChatSink {
  post(channel: string, message: ChatMessage, opts?: PostOptions): Promise<{ ts: string }>;
  /** `final`: the message's last state (a job's summary), which must not be lost if this update cannot land. */
  update(channel: string, ts: string, message: ChatMessage, opts?: UpdateOptions): Promise<void>;
  reply(channel: string, threadTs: string, message: ChatMessage): Promise<void>;
}
