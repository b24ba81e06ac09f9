import type { ChatMessage } from '../../chat/message.js';
import type { ChatSink } from '../../chat/sink.js';
import { mask } from './mask.js';

function maskDeep<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return mask(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, secrets)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, secrets)])) as T;
  return value;
}

/** The message with every secret masked in every string (text and blocks). */
export const maskMessage = (message: ChatMessage, secrets: readonly string[]): ChatMessage =>
  maskDeep(message, secrets);

/**
 * A ChatSink that masks every secret it knows of in every string of every message (text and blocks), so no
 * renderer can leak a password by mistake. `secrets` is read at each call: the answer file adds packstack's own.
 */
export function maskedChat(chat: ChatSink, secrets: () => readonly string[]): ChatSink {
  const m = (message: ChatMessage) => maskMessage(message, secrets());
  return {
    post: (channel, message, opts) => chat.post(channel, m(message), opts),
    update: (channel, ts, message, opts) => chat.update(channel, ts, m(message), opts),
    reply: (channel, threadTs, message) => chat.reply(channel, threadTs, m(message)),
  };
}
