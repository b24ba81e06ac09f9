import type { KnownBlock } from '@slack/types';

/** Slack's documented limits, and a total we keep under. */
export const LIMITS = {
  blocks: 50,
  sectionChars: 3000,
  // Slack rejects messages whose block texts add up to roughly 13,200 characters (msg_blocks_too_long)
  // although no such limit is documented; stay well below it.
  messageChars: 12_000,
  // chat.postMessage truncates `text` beyond 40,000 characters
  textChars: 40_000,
} as const;

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
 * Lines joined into as few section texts as fit (at most sectionChars apiece), stopping before maxBlocks sections
 * or maxChars in all; `count` says how many lines fit. A line longer than a section is cut.
 */
export function packSections(
  lines: readonly string[],
  maxBlocks: number,
  maxChars: number,
): { texts: string[]; count: number } {
  const texts: string[] = [];
  let total = 0;
  let count = 0;
  for (const raw of lines) {
    const line = raw.length > LIMITS.sectionChars ? `${raw.slice(0, LIMITS.sectionChars - 1)}…` : raw;
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
