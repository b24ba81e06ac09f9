import type { KnownBlock } from '@slack/types';
import { context, cut, LIMITS, section } from '../../chat/blocks.js';
import type { ChatMessage } from '../../chat/message.js';
import { escapeMrkdwn } from '../../chat/mrkdwn.js';
import { failureText } from '../remote/failure.js';
import { codeBlock } from '../report/code-block.js';
import { type Rendered, takeWithinLimits } from '../report/rendered-parts.js';
import type { NtpInspection } from './inspect-ntp-host.js';
import { ROLE_LABEL } from './ntp-targets.js';
import { describeAction } from './plan-ntp-host.js';

// per host diff in the plan; the whole message stays under LIMITS.messageChars
const DIFF_CHARS = 2500;

export const willChange = (i: NtpInspection) => !i.failure && (i.plan?.actions.length ?? 0) > 0;

function hostHead(i: NtpInspection, esc: (t: string) => string, bold: (t: string) => string): string {
  const parts = [bold(i.host.name)];
  if (i.role) parts.push(ROLE_LABEL[i.role]);
  if (i.facts) parts.push(esc(i.facts.os.name), esc(i.facts.confPath), esc(i.facts.service));
  return parts.join(' · ');
}

/** One host's part of the plan: what changes (or why nothing can), then the diff. */
function hostParts(i: NtpInspection): Rendered[] {
  const render = (style: 'plain' | 'mrkdwn') => {
    const esc = style === 'mrkdwn' ? escapeMrkdwn : (t: string) => t;
    const bold = (t: string) => (style === 'mrkdwn' ? `*${esc(t)}*` : t);
    const ital = (t: string) => (style === 'mrkdwn' ? `_${esc(t)}_` : t);
    const actions = i.plan?.actions ?? [];
    const lines = [hostHead(i, esc, bold)];
    if (i.failure && actions.length > 0) {
      lines.push(...actions.map((a) => `• would ${esc(describeAction(a, 'plan'))}`));
    }
    if (i.failure) lines.push(`❌ ${esc(failureText(i.failure))}`);
    else if (actions.length === 0) lines.push('✔️ nothing to change');
    else lines.push(...actions.map((a) => `• ${esc(describeAction(a, 'plan'))}`));
    lines.push(...(i.plan?.notes ?? []).map(ital));
    return cut(lines.join('\n'), LIMITS.sectionChars);
  };
  const parts: Rendered[] = [{ mrkdwn: render('mrkdwn'), plain: render('plain') }];
  const write = i.plan?.actions.find((a) => a.kind === 'write-conf');
  if (write?.kind === 'write-conf' && write.diff) parts.push(codeBlock(write.diff, DIFF_CHARS));
  return parts;
}

function counts(inspections: readonly NtpInspection[]): string {
  const change = inspections.filter(willChange).length;
  const failed = inspections.filter((i) => i.failure).length;
  const same = inspections.length - change - failed;
  return [`${change} to change`, `${same} unchanged`, ...(failed ? [`${failed} with problems`] : [])].join(
    ', ',
  );
}

/**
 * The plan of `/lab ntp setup`, pure: per host (time servers first) what would change, the chrony.conf diff as a
 * code block, and hosts that cannot be set up with the reason.
 */
export function renderNtpPlan(label: string, inspections: readonly NtpInspection[]): ChatMessage {
  const title = `NTP setup plan for ${label}: ${counts(inspections)}`;
  const note =
    'Time servers are set up first, then clients; each host is checked for a selected source afterwards.';
  const hostItems = inspections.map(hostParts);
  const { kept, left } = takeWithinLimits(hostItems, {
    blocks: LIMITS.blocks - 6,
    chars: LIMITS.messageChars - 1500,
  });
  const blocks: KnownBlock[] = [section(`*${escapeMrkdwn(cut(title, 500))}*`)];
  const plain = [title];
  for (const part of kept.flat()) {
    blocks.push(section(part.mrkdwn));
    plain.push(part.plain);
  }
  if (left > 0) {
    const more = `…and ${left} more host${left === 1 ? '' : 's'} (not shown: Slack's message size limit)`;
    blocks.push(context(more));
    plain.push(more);
  }
  blocks.push(context(note));
  plain.push(note);
  return { text: plain.join('\n'), blocks };
}
