import type { KnownBlock } from '@slack/types';
import { LIMITS, packLines } from '../chat/blocks.js';
import type { ChatMessage } from '../chat/message.js';
import type { StoredAuditEntry } from './audit-entry.js';

const ICON: Record<StoredAuditEntry['kind'], string> = {
  command: '▶️',
  confirm: '✅',
  cancel: '✖️',
  refusal: '⛔',
  result: '🏁',
};

/** "2024-05-01 14:03:12Z": UTC, to the second, the same for every reader. */
const stamp = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');

// what people typed is shown as code, never as mrkdwn: no mentions, links or formatting
const code = (s: string) => `\`${s.replace(/[`]/g, "'").replace(/[<>&]/g, ' ')}\``;
// outcomes name users as <@U…> (kept in mrkdwn, "@U…" in plain text); any other <…> could ping or link: dropped
const outcomeText = (s: string, mrkdwn: boolean) =>
  s
    .split(/(<@[A-Z0-9]+>)/)
    .map((part) =>
      /^<@[A-Z0-9]+>$/.test(part) ? (mrkdwn ? part : `@${part.slice(2, -1)}`) : part.replace(/[<>&]/g, ' '),
    )
    .join('');

function line(e: StoredAuditEntry, mention: (user: string) => string, mrkdwn: boolean): string {
  const who = mrkdwn ? mention(e.user) : e.user;
  const job = e.job ? ` (job ${e.job})` : '';
  const text = mrkdwn ? code(e.text) : e.text;
  return `${ICON[e.kind]} ${stamp(e.at)} ${who} in ${e.channel}: ${text} → ${outcomeText(e.outcome, mrkdwn)}${job}`;
}

/** `/lab history`: the newest entries first, as many as fit one message; says how many were left out. */
export function renderHistory(
  entries: readonly StoredAuditEntry[],
  asked: number,
  mention: (user: string) => string,
): ChatMessage {
  if (entries.length === 0)
    return { text: 'The audit trail is empty: no /lab command has been recorded yet.' };
  const head = `*Audit trail*: the last ${entries.length} of at most ${asked} entries, newest first (UTC)`;
  const lines = entries.map((e) => line(e, mention, true));
  const fit = packLines(lines, LIMITS.blocks - 2, LIMITS.messageChars - 500);
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: head } },
    ...fit.texts.map((text): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } })),
  ];
  const left = entries.length - fit.count;
  if (left > 0) {
    blocks.push({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: `…and ${left} older entries that do not fit one message: ask for fewer.` },
      ],
    });
  }
  const text = [head.replace(/\*/g, ''), ...entries.map((e) => line(e, mention, false))].join('\n');
  return { text: text.slice(0, LIMITS.textChars), blocks };
}
