import type { KnownBlock } from '@slack/types';
import { cut, header, LIMITS, section } from '../../chat/blocks.js';
import type { ChatMessage } from '../../chat/message.js';
import { escapeMrkdwn } from '../../chat/mrkdwn.js';
import { type NtpHostStatus, sortWorstFirst } from '../chrony/classify.js';
import { hostLine } from '../chrony/render-host-line.js';
import { packIntoMessages } from '../report/rendered-parts.js';

/** One block of the thread and its plain-text twin; `chars` is what Slack counts. */
interface Item {
  block: KnownBlock;
  plain: string;
  chars: number;
}

const FENCE = '```';

function code(lines: readonly string[]): string {
  // a fence inside the table would end the code block early
  return `${FENCE}\n${escapeMrkdwn(lines.join('\n')).replaceAll(FENCE, "'''")}\n${FENCE}`;
}

/** The host's status line, then its table in code blocks, cut by lines to fit a section. */
function tableItems(status: NtpHostStatus, table: string): Item[] {
  const rows = table.replace(/\n+$/, '').split('\n');
  const items: Item[] = [];
  let prefix = `${cut(hostLine(status, 'mrkdwn'), 1000)}\n`;
  let plainPrefix = `${hostLine(status, 'plain')}\n`;
  let chunk: string[] = [];
  const flush = () => {
    const text = prefix + code(chunk);
    items.push({ block: section(text), plain: plainPrefix + chunk.join('\n'), chars: text.length });
    prefix = '';
    plainPrefix = '';
    chunk = [];
  };
  for (const row of rows) {
    const line = row.slice(0, LIMITS.sectionChars / 2);
    if (chunk.length > 0 && (prefix + code([...chunk, line])).length > LIMITS.sectionChars) flush();
    chunk.push(line);
  }
  flush();
  return items;
}

/** Blocks that go into one message together: a host's header stays with the start of its table. */
function hostUnits(status: NtpHostStatus, table: string): Item[][] {
  const title: Item = {
    block: header(status.host),
    plain: status.host,
    chars: Math.min(status.host.length, LIMITS.headerChars),
  };
  const [first, ...more] = tableItems(status, table);
  return [first ? [title, first] : [title], ...more.map((item) => [item])];
}

/**
 * The raw `chronyc -n sources` table of every host that returned one, worst host first, each under its
 * name; split into as many thread replies as Slack's limits need. Empty when no host returned a table.
 */
export function renderSourcesThread(statuses: NtpHostStatus[]): ChatMessage[] {
  const units = sortWorstFirst(statuses).flatMap((s) =>
    s.sourcesTable === undefined ? [] : hostUnits(s, s.sourcesTable),
  );
  const messages = packIntoMessages(
    units,
    { blocks: LIMITS.blocks, chars: LIMITS.messageChars },
    (i) => i.chars,
  );
  return messages.map((m) => ({ text: m.map((i) => i.plain).join('\n'), blocks: m.map((i) => i.block) }));
}
