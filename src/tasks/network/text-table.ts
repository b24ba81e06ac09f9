import type { KnownBlock } from '@slack/types';
import { context, LIMITS, section } from '../../chat/blocks.js';
import { escapeMrkdwn } from '../../chat/mrkdwn.js';

const CELL_CHARS = 40;

/** A value from a host made safe for one table cell: no control characters, bounded length. */
export function cell(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const flat = value.replace(/[\u0000-\u001f\u007f]/g, '?');
  return flat.length > CELL_CHARS ? `${flat.slice(0, CELL_CHARS - 1)}…` : flat;
}

/** Left-aligned columns two spaces apart, header first; trailing spaces trimmed. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

const FENCE = '```';

/**
 * Lines of a table in code blocks (several sections when one would pass Slack's limit), `title` as mrkdwn
 * above the first, at most `maxChars` in all, and a count of the lines that did not fit. Lines are plain text; they are escaped here.
 */
export function codeSections(title: string, lines: readonly string[], maxChars: number): KnownBlock[] {
  const sections: string[][] = [[]];
  let size = title.length + 10;
  let shown = 0;
  // each line's share of the fences and newlines, counted generously
  let total = title.length;
  for (const raw of lines) {
    const line = escapeMrkdwn(raw).replaceAll(FENCE, "'''").slice(0, 1000);
    const current = sections[sections.length - 1] ?? [];
    if (total + line.length + 20 > maxChars) break;
    if (current.length > 0 && size + line.length + 1 > LIMITS.sectionChars - 10) {
      sections.push([line]);
      size = line.length + 10;
    } else {
      current.push(line);
      size += line.length + 1;
    }
    total += line.length + 20;
    shown++;
  }
  const blocks = sections.map((s, i) =>
    section(`${i === 0 ? `${title}\n` : ''}${FENCE}\n${s.join('\n')}\n${FENCE}`),
  );
  const more = lines.length - shown;
  return more > 0
    ? [...blocks, context(`…and ${more} more ${more === 1 ? 'row' : 'rows'}, not shown here.`)]
    : blocks;
}
