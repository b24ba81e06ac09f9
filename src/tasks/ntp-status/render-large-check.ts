import { context, cut, LIMITS, packLines, section } from '../../chat/blocks.js';
import type { ChatMessage } from '../../chat/message.js';
import { escapeMrkdwn } from '../../chat/mrkdwn.js';
import { type NtpHostStatus, sortWorstFirst } from '../chrony/classify.js';
import { formatDuration } from '../chrony/format-offset.js';
import { ERROR_LABEL, hostLine } from '../chrony/render-host-line.js';
import { countStates } from './render-ntp-status.js';

/**
 * Above this many target hosts a check answers in the large form: a summary (counts by state, the worst hosts
 * first) and the whole table as one CSV file in the thread, instead of a line per host in the message and the raw
 * chronyc tables in as many thread replies as they need (41 of them for 1000 hosts).
 */
export const LARGE_CHECK_ABOVE = 100;

/** Host lines the large summary shows, worst first; the rest are counted, and all are in the file. */
export const WORST_SHOWN = 25;
const LABEL_CHARS = 200;

/** "errors: 30 unreachable, 20 host key mismatch"; '' when no host failed. */
function errorBreakdown(statuses: readonly NtpHostStatus[]): string {
  const by = new Map<string, number>();
  for (const s of statuses)
    if (s.state === 'error') {
      const label = s.errorCode ? ERROR_LABEL[s.errorCode] : 'error';
      by.set(label, (by.get(label) ?? 0) + 1);
    }
  const parts = [...by].sort((a, b) => b[1] - a[1]).map(([label, n]) => `${n} ${label}`);
  return parts.length > 0 ? `Errors: ${parts.join(', ')}.` : '';
}

/** The worst hosts' lines (never a host in sync), packed within Slack's limits. */
function worstLines(sorted: readonly NtpHostStatus[], style: 'mrkdwn' | 'plain'): string[] {
  return sorted
    .slice(0, WORST_SHOWN)
    .filter((s) => s.state !== 'ok')
    .map((s) => hostLine(s, style));
}

/** "…and 412 more hosts not in sync or failing"; counts the hosts past the ones shown that are not in sync. */
function restLine(sorted: readonly NtpHostStatus[], shown: number): string | undefined {
  const rest = sorted.slice(shown).filter((s) => s.state !== 'ok');
  if (rest.length === 0) return undefined;
  return `…and ${rest.length} more ${rest.length === 1 ? 'host' : 'hosts'} not in sync: ${countStates(rest)}`;
}

/** The message while a large check runs: how far, the counts so far, the worst few so far. Bounded in size. */
export function renderLargeProgress(total: number, done: NtpHostStatus[], targetLabel: string): ChatMessage {
  const sorted = sortWorstFirst(done);
  const head = (label: string) =>
    `Checking ${total} hosts (${label})… ${done.length}/${total} done${done.length > 0 ? `: ${countStates(sorted)}` : ''}`;
  const lines = worstLines(sorted, 'mrkdwn').slice(0, 10);
  const packed = packLines(lines, 5, LIMITS.messageChars - 2000);
  return {
    text: [head(targetLabel), ...worstLines(sorted, 'plain').slice(0, packed.count)].join('\n'),
    blocks: [section(head(escapeMrkdwn(cut(targetLabel, LABEL_CHARS)))), ...packed.texts.map(section)],
  };
}

/** Where the whole table went, as the summary's last line says it. */
export type TableOutcome = { attached: string } | { failed: string } | { none: true };

function tableNote(outcome: TableOutcome, style: 'mrkdwn' | 'plain'): string {
  if ('attached' in outcome)
    return `Every host, worst first, is in the table attached in the thread (${style === 'mrkdwn' ? `\`${outcome.attached}\`` : outcome.attached}). For a host's raw chronyc sources: /lab ntp status <host>.`;
  if ('failed' in outcome)
    return `The table of every host could not be attached (${outcome.failed}); run the check again, or aim it at a group.`;
  return 'This labops has nowhere to attach the table of every host; aim the check at a group to see each host.';
}

/** The final message of a large check: counts by state, errors by cause, the worst hosts, where the rest are. */
export function renderLargeSummary(
  statuses: NtpHostStatus[],
  targetLabel: string,
  elapsedMs: number,
  table: TableOutcome,
): ChatMessage {
  const sorted = sortWorstFirst(statuses);
  const counts = countStates(sorted);
  const errors = errorBreakdown(sorted);
  const shownMrkdwn = packLines(worstLines(sorted, 'mrkdwn'), 10, LIMITS.messageChars - 3000);
  const shown = worstLines(sorted, 'plain').slice(0, shownMrkdwn.count);
  const rest = restLine(sorted, shownMrkdwn.count);
  const checked = `Checked ${sorted.length} hosts in ${formatDuration(elapsedMs / 1000)}.`;
  const allGood = sorted.every((s) => s.state === 'ok') ? ' Every host is in sync.' : '';
  return {
    text: [
      `NTP status of ${targetLabel}: ${counts}`,
      ...(errors ? [errors] : []),
      ...shown,
      ...(rest ? [rest] : []),
      `${checked}${allGood} ${tableNote(table, 'plain')}`,
    ].join('\n'),
    blocks: [
      section(`*NTP status of ${escapeMrkdwn(cut(targetLabel, LABEL_CHARS))}*: ${counts}`),
      ...(errors ? [context(errors)] : []),
      ...shownMrkdwn.texts.map(section),
      ...(rest ? [context(rest)] : []),
      context(`${checked}${allGood} ${escapeMrkdwn(tableNote(table, 'mrkdwn'))}`),
    ],
  };
}
