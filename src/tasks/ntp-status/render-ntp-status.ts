import type { KnownBlock } from '@slack/types';
import { context, cut, LIMITS, packLines, section } from '../../chat/blocks.js';
import type { ChatMessage } from '../../chat/message.js';
import { escapeMrkdwn } from '../../chat/mrkdwn.js';
import { type NtpHostStatus, sortWorstFirst } from '../chrony/classify.js';
import { formatDuration } from '../chrony/format-offset.js';
import { hostLine } from '../chrony/render-host-line.js';

export { renderSourcesThread } from './render-sources-thread.js';

// Room kept for the header and context blocks around the host lines, and for the "…and N more" line.
const FRAME_CHARS = 1000;
const OVERFLOW_CHARS = 300;
// A target label is an inventory group or host name; a longer one is cut in the blocks.
const LABEL_CHARS = 200;

function hosts(n: number): string {
  return n === 1 ? '1 host' : `${n} hosts`;
}

/** "3 in sync, 1 drifting, 1 not synchronised, 2 errors"; states with no host are left out. */
export function countStates(statuses: readonly NtpHostStatus[]): string {
  const count = (...states: NtpHostStatus['state'][]) =>
    statuses.filter((s) => states.includes(s.state)).length;
  const errors = count('error');
  const parts: [number, string][] = [
    [count('ok'), 'in sync'],
    [count('warning', 'critical'), 'drifting'],
    [count('unsynchronised'), 'not synchronised'],
    [errors, errors === 1 ? 'error' : 'errors'],
  ];
  const shown = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  return shown.length > 0 ? shown.join(', ') : 'no hosts';
}

/** Host lines, several per section, worst first; what does not fit Slack's limits is counted in a last line. */
function hostBlocks(sorted: readonly NtpHostStatus[]): KnownBlock[] {
  const lines = sorted.map((s) => hostLine(s, 'mrkdwn'));
  const maxBlocks = LIMITS.blocks - 2; // the header section and the context
  const maxChars = LIMITS.messageChars - FRAME_CHARS;
  const all = packLines(lines, maxBlocks, maxChars);
  if (all.count === lines.length) return all.texts.map(section);
  const some = packLines(lines, maxBlocks - 1, maxChars - OVERFLOW_CHARS);
  const rest = sorted.slice(some.count);
  return [
    ...some.texts.map(section),
    context(`…and ${rest.length} more ${rest.length === 1 ? 'host' : 'hosts'}: ${countStates(rest)}`),
  ];
}

/** The message updated while hosts answer: "Checking 7 hosts (ntp_clients)… 3/7 done", then the hosts done so far. */
export function renderNtpProgress(
  targetCount: number,
  done: NtpHostStatus[],
  targetLabel: string,
): ChatMessage {
  const sorted = sortWorstFirst(done);
  const head = (label: string) =>
    `Checking ${hosts(targetCount)} (${label})… ${done.length}/${targetCount} done`;
  return {
    text: [head(targetLabel), ...sorted.map((s) => hostLine(s, 'plain'))].join('\n'),
    blocks: [section(head(escapeMrkdwn(cut(targetLabel, LABEL_CHARS)))), ...hostBlocks(sorted)],
  };
}

/** The final summary: counts per state, one line per host worst first, and where the raw tables are. */
export function renderNtpSummary(
  statuses: NtpHostStatus[],
  targetLabel: string,
  elapsedMs: number,
): ChatMessage {
  const sorted = sortWorstFirst(statuses);
  const counts = countStates(sorted);
  const tables = sorted.some((s) => s.sourcesTable !== undefined);
  const checked = `Checked ${hosts(sorted.length)} in ${formatDuration(elapsedMs / 1000)}.`;
  const footPlain = tables ? `${checked} Raw chronyc sources tables are in the thread.` : checked;
  const footMrkdwn = tables ? `${checked} Raw \`chronyc sources\` tables are in the thread.` : checked;
  return {
    text: [
      `NTP status of ${targetLabel}: ${counts}`,
      ...sorted.map((s) => hostLine(s, 'plain')),
      footPlain,
    ].join('\n'),
    blocks: [
      section(`*NTP status of ${escapeMrkdwn(cut(targetLabel, LABEL_CHARS))}*: ${counts}`),
      ...hostBlocks(sorted),
      context(footMrkdwn),
    ],
  };
}
