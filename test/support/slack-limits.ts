import type { KnownBlock } from '@slack/types';

/**
 * Slack's limits on one message (chat.postMessage / chat.update): 50 blocks, 3000 characters a section, 150 a
 * header, 10 elements a context; block texts together under ~13,200 (msg_blocks_too_long, undocumented: 12,000
 * kept); `text` cut at 40,000. What a message breaks, as sentences; [] when it fits.
 */
export function slackLimitBreaches(message: { text?: unknown; blocks?: unknown }): string[] {
  const out: string[] = [];
  const text = typeof message.text === 'string' ? message.text : '';
  if (text.length > 40_000) out.push(`text has ${text.length} characters (over 40,000)`);
  const blocks = (Array.isArray(message.blocks) ? message.blocks : []) as KnownBlock[];
  if (blocks.length > 50) out.push(`${blocks.length} blocks (over 50)`);
  let total = 0;
  blocks.forEach((b, i) => {
    if (b.type === 'section') {
      const n = b.text?.text.length ?? 0;
      if (n > 3000) out.push(`section ${i} has ${n} characters (over 3000)`);
      total += n;
    } else if (b.type === 'header') {
      if (b.text.text.length > 150) out.push(`header ${i} over 150 characters`);
      total += b.text.text.length;
    } else if (b.type === 'context') {
      if (b.elements.length > 10) out.push(`context ${i} has ${b.elements.length} elements (over 10)`);
      for (const e of b.elements) if ('text' in e && typeof e.text === 'string') total += e.text.length;
    }
  });
  if (total > 12_000) out.push(`block texts add up to ${total} characters (over 12,000)`);
  return out;
}
