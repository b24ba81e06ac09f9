/** One message of the console "channel": its latest text and its thread. */
export interface TranscriptMessage {
  ts: string;
  text: string;
  replies: string[];
}

/**
 * The answers to one typed command (one console channel): the messages labops posted there, each with its thread.
 * `label` is the command as typed.
 */
export interface AnswerBlock {
  channel: string;
  label?: string;
  messages: TranscriptMessage[];
}

export function emptyBlock(channel: string, label?: string): AnswerBlock {
  return { channel, label, messages: [] };
}

/** A new message at the bottom of the block. */
export function addMessage(block: AnswerBlock, ts: string, text: string): AnswerBlock {
  return { ...block, messages: [...block.messages, { ts, text, replies: [] }] };
}

/** chat.update: the message keeps its place and thread, its text is replaced. */
export function updateMessage(block: AnswerBlock, ts: string, text: string): AnswerBlock {
  return { ...block, messages: block.messages.map((m) => (m.ts === ts ? { ...m, text } : m)) };
}

/** A thread reply goes under its message; a reply to a message this block does not hold becomes a message. */
export function addReply(block: AnswerBlock, threadTs: string, text: string): AnswerBlock {
  if (!block.messages.some((m) => m.ts === threadTs)) return addMessage(block, `${threadTs}-r`, text);
  return {
    ...block,
    messages: block.messages.map((m) => (m.ts === threadTs ? { ...m, replies: [...m.replies, text] } : m)),
  };
}
