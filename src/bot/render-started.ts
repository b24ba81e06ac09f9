import type { ChatMessage } from '../chat/message.js';
import type { Targets } from '../inventory/index.js';

/** The message posted the moment a command is taken; the worker then updates it in place. */
export function renderStarted(words: readonly string[], targets: Targets): ChatMessage {
  const n = targets.hosts.length;
  const text = `⏳ \`/lab ${words.join(' ')}\` on ${targets.label}: checking ${n} host${n === 1 ? '' : 's'}…`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
