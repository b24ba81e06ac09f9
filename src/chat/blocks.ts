import type { KnownBlock } from '@slack/types';

/** Slack's documented limits, and totals we keep under. */
export const LIMITS = {
  blocks: 50,
  sectionChars: 3000,
  headerChars: 150,
  // Slack rejects messages whose block texts add up to roughly 13,200 characters (msg_blocks_too_long,
  // bolt-js issue #2509) although no such limit is documented; stay well below it.
  messageChars: 12_000,
  // chat.postMessage truncates `text` beyond 40,000 characters
  textChars: 40_000,
} as const;

/** Longest single line in a section; longer lines (huge error texts) are cut. */
const MAX_LINE = 1000;

export function section(mrkdwn: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: mrkdwn } };
}

export function context(mrkdwn: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn }] };
}

export function header(plain: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: cut(plain, LIMITS.headerChars), emoji: true } };
}

export function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Characters Slack counts in a block: the texts it shows. */
export function blockChars(block: KnownBlock): number {
  const b = block as {
    text?: { text?: string };
    fields?: { text?: string }[];
    elements?: { text?: unknown }[];
  };
  let n = b.text?.text?.length ?? 0;
  for (const f of b.fields ?? []) n += f.text?.length ?? 0;
  for (const e of b.elements ?? []) {
    const t = e.text;
    n += typeof t === 'string' ? t.length : ((t as { text?: string } | undefined)?.text?.length ?? 0);
  }
  return n;
}

/**
 * Puts lines into as few section texts as possible (several lines each, at most sectionChars apiece),
 * stopping before `maxBlocks` sections or `maxChars` in all. `count` says how many lines fit.
 */
export function packLines(
  lines: readonly string[],
  maxBlocks: number,
  maxChars: number,
): { texts: string[]; count: number } {
  const texts: string[] = [];
  let total = 0;
  let count = 0;
  for (const raw of lines) {
    const line = cut(raw, MAX_LINE);
    const last = texts.at(-1);
    const joins = last !== undefined && last.length + 1 + line.length <= LIMITS.sectionChars;
    const cost = joins ? line.length + 1 : line.length;
    if (total + cost > maxChars || (!joins && texts.length >= maxBlocks)) break;
    if (joins) texts[texts.length - 1] = `${last}\n${line}`;
    else texts.push(line);
    total += cost;
    count++;
  }
  return { texts, count };
}
