import type { KnownBlock } from '@slack/types';
import { context, LIMITS, packLines, section } from '../../chat/blocks.js';
import type { ChatMessage } from '../../chat/message.js';
import { escapeMrkdwn } from '../../chat/mrkdwn.js';

/** One line of a reply in both forms: plain text (fallback, console) and Slack mrkdwn. */
export interface Line {
  plain: string;
  mrkdwn: string;
}

/** A line of host-given text: escaped for mrkdwn, `bold` parts in *...*, `code` parts in backticks. */
export function line(...parts: (string | { bold: string } | { code: string })[]): Line {
  const plain = parts.map((p) => (typeof p === 'string' ? p : 'bold' in p ? p.bold : p.code)).join('');
  const mrkdwn = parts
    .map((p) =>
      typeof p === 'string'
        ? escapeMrkdwn(p)
        : 'bold' in p
          ? `*${escapeMrkdwn(p.bold)}*`
          : `\`${escapeMrkdwn(p.code).replaceAll('`', "'")}\``,
    )
    .join('');
  return { plain, mrkdwn };
}

/**
 * A message from groups of lines: each group its own sections (lines packed within Slack's limits), a last
 * context line as footer. Whatever does not fit Slack's limits is still in the text, which the long-output sink
 * attaches as a file.
 */
export function message(groups: readonly (readonly Line[])[], footer?: Line): ChatMessage {
  const shown = groups.filter((g) => g.length > 0);
  const blocks: KnownBlock[] = shown.flatMap((g) =>
    packLines(
      g.map((l) => l.mrkdwn),
      LIMITS.blocks,
      LIMITS.messageChars,
    ).texts.map(section),
  );
  if (footer) blocks.push(context(footer.mrkdwn));
  const text = [...shown.map((g) => g.map((l) => l.plain).join('\n')), ...(footer ? [footer.plain] : [])];
  return { text: text.join('\n'), blocks: blocks.slice(0, LIMITS.blocks) };
}
