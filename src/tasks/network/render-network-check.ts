import { context, section } from '../../chat/blocks.js';
import type { ChatMessage } from '../../chat/message.js';
import { escapeMrkdwn } from '../../chat/mrkdwn.js';
import { sentence } from '../controller/failure.js';
import type { CheckLine, CheckState } from '../controller/network-checks.js';

const ICON: Readonly<Record<CheckState, string>> = { ok: '✅', problem: '❌', unknown: '❓' };
const ORDER: Readonly<Record<CheckState, number>> = { problem: 0, unknown: 1, ok: 2 };

export function checkLine(line: CheckLine): string {
  return `${ICON[line.state]} ${line.hint ? `${sentence(line.text)} ${sentence(line.hint)}` : line.text}`;
}

export function summarise(lines: readonly CheckLine[]): string {
  const count = (s: CheckState) => lines.filter((l) => l.state === s).length;
  const problems = count('problem');
  const unknown = count('unknown');
  if (problems === 0 && unknown === 0) return `all ${lines.length} checks pass`;
  const parts = [
    problems ? `${problems} problem${problems === 1 ? '' : 's'}` : '',
    unknown ? `${unknown} not checked` : '',
    `${count('ok')} ok`,
  ];
  return parts.filter(Boolean).join(', ');
}

/** `/lab network check`: one line a check, problems first, each with what to do next. */
export function renderNetworkCheck(host: string, lines: readonly CheckLine[]): ChatMessage {
  const sorted = [...lines].sort((a, b) => ORDER[a.state] - ORDER[b.state]);
  const head = `Network check on ${host}: ${summarise(lines)}`;
  const body = sorted.map(checkLine);
  return {
    text: [head, ...body].join('\n'),
    blocks: [
      section(`*${escapeMrkdwn(`Network check on ${host}`)}*: ${summarise(lines)}`),
      section(escapeMrkdwn(body.join('\n')).slice(0, 2900)),
      context(
        'From `ip -j addr show`, `ovs-vsctl show` and `openstack network agent list` on the controller.',
      ),
    ],
  };
}
