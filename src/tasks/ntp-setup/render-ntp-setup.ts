import type { KnownBlock } from '@slack/types';
import { context, cut, header, LIMITS, section } from '../../chat/blocks.js';
import type { ChatMessage } from '../../chat/message.js';
import { escapeMrkdwn, type TextStyle } from '../../chat/mrkdwn.js';
import { formatDuration } from '../chrony/format-offset.js';
import { hostLine } from '../chrony/render-host-line.js';
import { failureText } from '../remote/failure.js';
import { codeBlock } from '../report/code-block.js';
import { packIntoMessages, type Rendered, takeWithinLimits } from '../report/rendered-parts.js';
import { ROLE_LABEL } from './ntp-targets.js';
import type { NtpHostResult } from './setup-ntp-host.js';

const OUTCOME_EMOJI: Readonly<Record<NtpHostResult['outcome'], string>> = {
  changed: '🔧',
  unchanged: '➖',
  failed: '❌',
};
const ORDER: readonly NtpHostResult['outcome'][] = ['failed', 'changed', 'unchanged'];
const DIFF_CHARS = 2800;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "2 changed, 1 unchanged, 1 failed"; outcomes with no host are left out. */
export function countOutcomes(results: readonly NtpHostResult[]): string {
  const shown = ORDER.map((o) => [results.filter((r) => r.outcome === o).length, o] as const)
    .filter(([n]) => n > 0)
    .map(([n, o]) => `${n} ${o}`);
  return shown.join(', ') || 'no hosts';
}

/** Two lines a host: what was done (or why not), then its NTP status line as /lab ntp status shows it. */
export function resultLines(r: NtpHostResult, style: TextStyle): string {
  const esc = style === 'mrkdwn' ? escapeMrkdwn : (t: string) => t;
  const name = style === 'mrkdwn' ? `*${esc(r.host)}*` : r.host;
  const role = r.role ? ` (${ROLE_LABEL[r.role]})` : '';
  const done = esc(r.done.join('; '));
  const what =
    r.outcome === 'failed'
      ? done
        ? `failed after: ${done}`
        : 'failed'
      : done
        ? `changed: ${done}`
        : 'unchanged';
  const lines = [`${OUTCOME_EMOJI[r.outcome]} ${name}${role} ${what}`];
  if (r.failure) lines.push(`    ${esc(failureText(r.failure))}`);
  if (r.status) lines.push(`    ${hostLine(r.status, style)}`);
  return lines.join('\n');
}

const sortForSummary = (results: readonly NtpHostResult[]) =>
  [...results].sort(
    (a, b) =>
      ORDER.indexOf(a.outcome) - ORDER.indexOf(b.outcome) ||
      a.host.localeCompare(b.host, 'en', { numeric: true }),
  );

function hostSections(results: readonly NtpHostResult[]): { blocks: KnownBlock[]; plain: string[] } {
  const groups = sortForSummary(results).map((r): Rendered[] => [
    { mrkdwn: cut(resultLines(r, 'mrkdwn'), LIMITS.sectionChars), plain: resultLines(r, 'plain') },
  ]);
  const { kept, left } = takeWithinLimits(groups, {
    blocks: LIMITS.blocks - 3,
    chars: LIMITS.messageChars - 1000,
  });
  const parts = kept.flat();
  const blocks = parts.map((p) => section(p.mrkdwn));
  const plain = parts.map((p) => p.plain);
  if (left > 0) {
    const rest = sortForSummary(results).slice(kept.length);
    const more = `…and ${plural(left, 'more host')}: ${countOutcomes(rest)}`;
    blocks.push(context(more));
    plain.push(more);
  }
  return { blocks, plain };
}

/** The message updated while hosts are set up: time servers first, then clients. */
export function renderSetupProgress(
  label: string,
  total: number,
  done: readonly NtpHostResult[],
): ChatMessage {
  const head = `⏳ Setting up NTP on ${plural(total, 'host')} (${label}), time servers first… ${done.length}/${total} done`;
  const hosts = hostSections(done);
  return {
    text: [head, ...hosts.plain].join('\n'),
    blocks: [section(escapeMrkdwn(cut(head, 600))), ...hosts.blocks],
  };
}

/** The final message: counts, then each host's outcome and NTP status, worst first. */
export function renderSetupSummary(
  label: string,
  results: readonly NtpHostResult[],
  elapsedMs: number,
): ChatMessage {
  const head = `NTP setup of ${label}: ${countOutcomes(results)}`;
  const diffs = results.some((r) => r.diff);
  const foot = `Done in ${formatDuration(elapsedMs / 1000)}.${diffs ? ' The chrony.conf diffs are in the thread.' : ''}`;
  const hosts = hostSections(results);
  return {
    text: [head, ...hosts.plain, foot].join('\n'),
    blocks: [section(`*${escapeMrkdwn(cut(head, 600))}*`), ...hosts.blocks, context(foot)],
  };
}

/** Thread replies: for each host that was changed or failed, its outcome, notes and chrony.conf diff. */
export function renderSetupThread(results: readonly NtpHostResult[]): ChatMessage[] {
  const groups = sortForSummary(results)
    .filter((r) => r.outcome !== 'unchanged' || r.notes.length > 0)
    .map((r): Rendered[] => {
      const notes = r.notes.map((n) => `• ${n}`);
      const text = (style: TextStyle) =>
        [resultLines(r, style), ...notes.map((n) => (style === 'mrkdwn' ? escapeMrkdwn(n) : n))].join('\n');
      const parts: Rendered[] = [
        { mrkdwn: r.host, plain: r.host, header: true },
        { mrkdwn: cut(text('mrkdwn'), LIMITS.sectionChars), plain: text('plain') },
      ];
      if (r.diff) parts.push(codeBlock(r.diff, DIFF_CHARS));
      return parts;
    });
  return packIntoMessages(groups, { blocks: LIMITS.blocks, chars: LIMITS.messageChars }).map((m) => ({
    text: m.map((p) => p.plain).join('\n'),
    blocks: m.map((p) => (p.header ? header(p.plain) : section(p.mrkdwn))),
  }));
}
