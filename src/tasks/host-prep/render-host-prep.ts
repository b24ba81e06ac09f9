import type { KnownBlock } from '@slack/types';
import { context, cut, header, LIMITS, section } from '../../chat/blocks.js';
import type { ChatMessage } from '../../chat/message.js';
import { escapeMrkdwn, type TextStyle } from '../../chat/mrkdwn.js';
import { failureText } from '../remote/failure.js';
import { codeBlock } from '../report/code-block.js';
import { packIntoMessages, type Rendered, takeWithinLimits } from '../report/rendered-parts.js';
import { describePrepAction } from './plan-host-prep.js';
import type { PrepInspection, PrepResult } from './prep-host.js';

const DIFF_CHARS = 1500;
const MODE_WORD = {
  enforcing: 'Enforcing',
  permissive: 'Permissive',
  disabled: 'Disabled',
  absent: 'no SELinux',
  unknown: 'unknown',
} as const;
const EMOJI = { changed: '🔧', unchanged: '➖', failed: '❌' } as const;

const styled = (style: TextStyle) => ({
  esc: style === 'mrkdwn' ? escapeMrkdwn : (t: string) => t,
  bold: (t: string) => (style === 'mrkdwn' ? `*${escapeMrkdwn(t)}*` : t),
});

export const prepWillChange = (i: PrepInspection) => !i.failure && (i.plan?.actions.length ?? 0) > 0;

function planLines(i: PrepInspection, style: TextStyle): string {
  const { esc, bold } = styled(style);
  const now = i.facts ? ` · getenforce: ${MODE_WORD[i.facts.runtime]}` : '';
  const lines = [`${bold(i.host)}${now}`];
  const actions = i.plan?.actions ?? [];
  const verb = i.failure ? 'would ' : '';
  lines.push(...actions.map((a) => `• ${verb}${esc(describePrepAction(a, 'plan'))}`));
  if (i.failure) lines.push(`❌ ${esc(failureText(i.failure))}`);
  else if (actions.length === 0) lines.push('✔️ nothing to change');
  lines.push(...(i.plan?.notes ?? []).map((n) => (style === 'mrkdwn' ? `_${esc(n)}_` : n)));
  return lines.join('\n');
}

/** The plan of `/lab host prep`: per host, what would make SELinux permissive, with the config diff. */
export function renderPrepPlan(label: string, inspections: readonly PrepInspection[]): ChatMessage {
  const change = inspections.filter(prepWillChange).length;
  const failed = inspections.filter((i) => i.failure).length;
  const title = `Host prep plan for ${label} (SELinux to permissive): ${change} to change, ${inspections.length - change - failed} unchanged${failed ? `, ${failed} with problems` : ''}`;
  const groups = inspections.map((i): Rendered[] => {
    const parts: Rendered[] = [
      { mrkdwn: cut(planLines(i, 'mrkdwn'), LIMITS.sectionChars), plain: planLines(i, 'plain') },
    ];
    const write = i.plan?.actions.find((a) => a.kind === 'write-config');
    if (write?.kind === 'write-config') parts.push(codeBlock(write.diff, DIFF_CHARS));
    return parts;
  });
  const { kept, left } = takeWithinLimits(groups, {
    blocks: LIMITS.blocks - 5,
    chars: LIMITS.messageChars - 1500,
  });
  const blocks: KnownBlock[] = [
    section(`*${escapeMrkdwn(cut(title, 500))}*`),
    ...kept.flat().map((p) => section(p.mrkdwn)),
  ];
  const plain = [title, ...kept.flat().map((p) => p.plain)];
  if (left > 0) {
    const more = `…and ${left} more host${left === 1 ? '' : 's'}`;
    blocks.push(context(more));
    plain.push(more);
  }
  return { text: plain.join('\n'), blocks };
}

/** One host's outcome with getenforce before → after. */
export function prepResultLines(r: PrepResult, style: TextStyle): string {
  const { esc, bold } = styled(style);
  const modes = r.before ? ` · getenforce ${MODE_WORD[r.before]} → ${MODE_WORD[r.after ?? 'unknown']}` : '';
  const what = r.outcome === 'failed' ? 'failed' : r.outcome;
  const lines = [`${EMOJI[r.outcome]} ${bold(r.host)} ${what}${modes}`];
  lines.push(...r.done.map((d) => `• ${esc(d)}`));
  if (r.failure) lines.push(`    ${esc(failureText(r.failure))}`);
  return lines.join('\n');
}

export function renderPrepProgress(label: string, total: number, done: readonly PrepResult[]): ChatMessage {
  const head = `⏳ Preparing ${total} host${total === 1 ? '' : 's'} (${label})… ${done.length}/${total} done`;
  return { text: head, blocks: [section(escapeMrkdwn(head))] };
}

const ORDER = ['failed', 'changed', 'unchanged'] as const;
const sortResults = (results: readonly PrepResult[]) =>
  [...results].sort(
    (a, b) =>
      ORDER.indexOf(a.outcome) - ORDER.indexOf(b.outcome) ||
      a.host.localeCompare(b.host, 'en', { numeric: true }),
  );

/** The final message: counts, then each host's outcome with getenforce before and after. */
export function renderPrepSummary(label: string, results: readonly PrepResult[]): ChatMessage {
  const count = (o: PrepResult['outcome']) => results.filter((r) => r.outcome === o).length;
  const head = `Host prep of ${label} (SELinux to permissive): ${count('changed')} changed, ${count('unchanged')} unchanged, ${count('failed')} failed`;
  const groups = sortResults(results).map((r): Rendered[] => [
    {
      mrkdwn: cut(prepResultLines(r, 'mrkdwn'), LIMITS.sectionChars),
      plain: prepResultLines(r, 'plain'),
    },
  ]);
  const { kept, left } = takeWithinLimits(groups, {
    blocks: LIMITS.blocks - 3,
    chars: LIMITS.messageChars - 1000,
  });
  const blocks: KnownBlock[] = [
    section(`*${escapeMrkdwn(cut(head, 600))}*`),
    ...kept.flat().map((p) => section(p.mrkdwn)),
  ];
  const plain = [head, ...kept.flat().map((p) => p.plain)];
  if (left > 0) {
    blocks.push(context(`…and ${left} more hosts`));
    plain.push(`…and ${left} more hosts`);
  }
  return { text: plain.join('\n'), blocks };
}

/** Thread replies: the /etc/selinux/config diff of each host where it changed. */
export function renderPrepThread(results: readonly PrepResult[]): ChatMessage[] {
  const groups = results
    .filter((r) => r.diff)
    .map((r): Rendered[] => [{ mrkdwn: r.host, plain: r.host, header: true }, codeBlock(r.diff ?? '', 2800)]);
  return packIntoMessages(groups, { blocks: LIMITS.blocks, chars: LIMITS.messageChars }).map((m) => ({
    text: m.map((p) => p.plain).join('\n'),
    blocks: m.map((p) => (p.header ? header(p.plain) : section(p.mrkdwn))),
  }));
}
