import { section } from '../../chat/blocks.js';
import type { ChatMessage } from '../../chat/message.js';
import { escapeMrkdwn } from '../../chat/mrkdwn.js';
import type { PreflightCheck } from './deploy-check.js';

export type StageState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

/** One of the five stages as the checklist shows it. */
export interface Stage {
  title: string;
  state: StageState;
  /** One line: what it found or is doing. */
  detail?: string;
}

export const STAGE_TITLES = ['Preflight', 'Prepare', 'Answer file', 'Install', 'Verify'] as const;

const EMOJI: Record<StageState, string> = {
  pending: '▫️',
  running: '⏳',
  done: '✅',
  failed: '❌',
  skipped: '⏹️',
};

const CHECK_EMOJI: Record<PreflightCheck['level'], string> = { ok: '✅', warn: '⚠️', block: '❌' };

/** "4m 05s", "12s". */
export function elapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

export const checkLine = (c: PreflightCheck) =>
  `${CHECK_EMOJI[c.level]} ${c.text}${c.hint ? `. ${c.hint}.` : ''}`;

/** The one message that follows the deploy: a headline with the elapsed time, then a line a stage. */
export function renderChecklist(
  host: string,
  stages: readonly Stage[],
  elapsedMs: number,
  outcome?: string,
): ChatMessage {
  const failed = stages.some((s) => s.state === 'failed');
  const running = stages.findIndex((s) => s.state === 'running');
  const status =
    outcome ?? (failed ? 'failed' : running >= 0 ? `running, stage ${running + 1}/${stages.length}` : 'done');
  const head = `Deploy OpenStack on ${host}: ${status} (${elapsed(elapsedMs)})`;
  const lines = stages.map(
    (s, i) => `${EMOJI[s.state]} ${i + 1}. ${s.title}${s.detail ? `: ${s.detail}` : ''}`,
  );
  return {
    text: [head, ...lines].join('\n'),
    blocks: [section(`*${escapeMrkdwn(head)}*\n${lines.map(escapeMrkdwn).join('\n')}`)],
  };
}

/** The plan an admin confirms: the preflight, and what stages 2-4 will change. */
export function renderPlan(o: {
  host: string;
  checks: readonly PreflightCheck[];
  prepare: readonly string[];
  answerFile: string;
  answerFileExists: boolean;
  keys: readonly string[];
  blocked: boolean;
}): ChatMessage {
  const head = o.blocked
    ? `Deploy OpenStack on ${o.host}: refused, the preflight found blockers`
    : `Deploy OpenStack on ${o.host}: packstack all-in-one`;
  const lines = [
    '*1. Preflight*',
    ...o.checks.map(checkLine),
    ...(o.blocked
      ? []
      : [
          '*2. Prepare*',
          ...(o.prepare.length ? o.prepare.map((p) => `• ${p}`) : ['• nothing to change']),
          '*3. Answer file*',
          `• ${o.answerFileExists ? 'reuse' : 'generate (packstack --gen-answer-file)'} ${o.answerFile}, keep ${o.answerFile}.old`,
          `• set ${o.keys.join(', ')}`,
          '*4. Install*: packstack --answer-file (about 20-40 minutes)',
          '*5. Verify*: keystonerc_admin, br-ex and the external interface, OVS, compute services and network agents up',
        ]),
  ];
  const plain = [head, ...lines.map((l) => l.replace(/\*/g, ''))].join('\n');
  return {
    text: plain,
    blocks: [
      section(
        `*${escapeMrkdwn(head)}*\n${lines.map((l) => (l.startsWith('*') ? l : escapeMrkdwn(l))).join('\n')}`,
      ),
    ],
  };
}
