import type { ChatMessage } from '../chat/message.js';

/** Who typed a command, and where. */
export interface Requester {
  user: string;
  channel: string;
  /** Answer in this thread, not the channel: a button clicked on a message of a thread (an alert's). */
  thread?: string;
}

export type DispatchResult =
  /** outcome: for the audit trail, when the reply is not simply an answer ("refused: not an admin"). */
  | { kind: 'reply'; message: ChatMessage; outcome?: string }
  | { kind: 'job'; jobId: string; messageTs: string; awaitsConfirmation?: boolean };
