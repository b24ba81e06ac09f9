import type { KnownBlock } from '@slack/types';
import { blockChars, cut, LIMITS } from './blocks.js';
import type { ChatMessage } from './message.js';

const sectionText = (b: KnownBlock) => (b.type === 'section' ? b.text?.text : undefined);

/** True when Slack would refuse or cut the message: over 50 blocks, a section over 3000 characters, or too long. */
export function overLimits(m: ChatMessage): boolean {
  if (!m.blocks) return m.text.length > LIMITS.textChars;
  if (m.blocks.length > LIMITS.blocks) return true;
  if (m.blocks.some((b) => (sectionText(b)?.length ?? 0) > LIMITS.sectionChars)) return true;
  return (
    m.blocks.reduce((n, b) => n + blockChars(b), 0) > LIMITS.messageChars || m.text.length > LIMITS.textChars
  );
}

/** Everything the message says, as plain text: its text, or its blocks' texts when those say more. */
export function fullText(m: ChatMessage): string {
  const blocks = (m.blocks ?? []).map((b) => {
    const t = sectionText(b) ?? (b as { text?: { text?: string } }).text?.text;
    return t ?? '';
  });
  const fromBlocks = blocks.filter(Boolean).join('\n');
  return fromBlocks.length > m.text.length ? fromBlocks : m.text;
}

/**
 * What fits of the message (blocks in order, a long section cut), then a note that the whole of it is in the
 * thread as `filename`, or its start and end when the file was cut (`leftOut` says how much is missing). Pure.
 */
export function summariseMessage(
  m: ChatMessage,
  filename: string,
  totalChars: number,
  leftOut?: string,
): ChatMessage {
  const note = leftOut
    ? `The output (${totalChars} characters) did not fit one Slack message: its start and end are attached in the thread as ${filename} (${leftOut} in the middle left out).`
    : `The full output (${totalChars} characters) did not fit one Slack message: it is attached in the thread as ${filename}.`;
  const kept: KnownBlock[] = [];
  let chars = 0;
  for (const block of m.blocks ?? [
    { type: 'section', text: { type: 'mrkdwn', text: m.text } } as KnownBlock,
  ]) {
    const text = sectionText(block);
    const fitted: KnownBlock =
      block.type === 'section' && text !== undefined && text.length > LIMITS.sectionChars
        ? { ...block, text: { type: 'mrkdwn', text: cut(text, LIMITS.sectionChars) } }
        : block;
    const n = blockChars(fitted);
    if (kept.length >= LIMITS.blocks - 1 || chars + n > LIMITS.messageChars - note.length - 100) break;
    kept.push(fitted);
    chars += n;
  }
  kept.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `📎 ${note}` }] });
  return { text: `${cut(m.text, LIMITS.sectionChars)}\n${note}`, blocks: kept };
}
