import type { KnownBlock } from '@slack/types';
import { context, section } from '../../chat/blocks.js';
import type { ChatMessage } from '../../chat/message.js';
import { escapeMrkdwn } from '../../chat/mrkdwn.js';
import { sentence } from '../controller/failure.js';
import { shellWord } from '../remote/shell-quote.js';
import type { ActionKind, NetworkAction } from './plan-networks.js';
import { stepArgs } from './setup-commands.js';

/** How a planned create went when run: not yet, now, done, failed, or never (after a failure). */
export type CreateOutcome = 'pending' | 'running' | 'created' | 'failed' | 'not-run';

export interface SetupEntry {
  action: NetworkAction;
  /** For creates only, while and after running. */
  outcome?: CreateOutcome;
  /** Why it failed, with what to do next. */
  error?: string;
}

function line({ action: a, outcome, error }: SetupEntry): string {
  switch (a.kind) {
    case 'unchanged':
      return `✅ ${a.what} unchanged (${a.detail})`;
    case 'conflict':
      return `⚠️ conflict, ${a.what}: ${a.detail}`;
    case 'blocked':
      return `⏸️ skipped, ${a.what}: ${a.detail}`;
    case 'create':
      switch (outcome) {
        case 'running':
          return `⏳ creating ${a.what} (${a.detail})…`;
        case 'created':
          return `🆕 created ${a.what} (${a.detail})`;
        case 'failed':
          return `❌ failed to create ${a.what}: ${sentence(error ?? 'unknown error')}`;
        case 'not-run':
          return `⏹️ not created, ${a.what}: stopped after the failure above`;
        default:
          return `➕ create ${a.what} (${a.detail})`;
      }
  }
}

function count(actions: readonly NetworkAction[], kind: ActionKind): number {
  return actions.filter((a) => a.kind === kind).length;
}

/** "3 to create, 3 unchanged, 1 conflict, 1 skipped"; kinds with none are left out. */
export function countActions(actions: readonly NetworkAction[]): string {
  const parts: [number, string][] = [
    [count(actions, 'create'), 'to create'],
    [count(actions, 'unchanged'), 'unchanged'],
    [count(actions, 'conflict'), count(actions, 'conflict') === 1 ? 'conflict' : 'conflicts'],
    [count(actions, 'blocked'), 'skipped'],
  ];
  return parts
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}`)
    .join(', ');
}

const CONFLICT_NOTE =
  'labops never changes what exists: fix each conflict by hand (or delete it), or set openstack_networks in the inventory to match it, then run `/lab network setup` again.';

function message(head: string, lines: string[], extra: KnownBlock[], foot: string[]): ChatMessage {
  return {
    text: [head, ...lines, ...foot].join('\n'),
    blocks: [
      section(escapeMrkdwn(`${head}\n${lines.join('\n')}`).slice(0, 2900)),
      ...extra,
      ...foot.map(context),
    ],
  };
}

/** The plan an admin confirms: every action, the exact commands the creates run, and what conflicts. */
export function renderSetupPlan(host: string, actions: readonly NetworkAction[]): ChatMessage {
  const creates = actions.filter((a) => a.kind === 'create');
  const conflicts = actions.some((a) => a.kind === 'conflict');
  const head =
    creates.length > 0
      ? `Network setup on ${host}: ${countActions(actions)}`
      : `Network setup on ${host}: nothing to create (${countActions(actions)})`;
  const commands = creates.map((a) => ['openstack', ...stepArgs(a.step).map(shellWord)].join(' '));
  const extra: KnownBlock[] = commands.length
    ? [
        section(
          `Commands, in this order, after \`. ~/keystonerc_admin\`:\n\`\`\`\n${escapeMrkdwn(commands.join('\n'))}\n\`\`\``,
        ),
      ]
    : [];
  const foot = conflicts
    ? [CONFLICT_NOTE]
    : creates.length === 0
      ? ['Everything exists as the runbook wants.']
      : [];
  const msg = message(
    head,
    actions.map((action) => line({ action })),
    extra,
    foot,
  );
  return commands.length ? { ...msg, text: `${msg.text}\nCommands:\n${commands.join('\n')}` } : msg;
}

/** While and after running: each create's outcome, the rest as planned. */
export function renderSetupProgress(
  host: string,
  entries: readonly SetupEntry[],
  done: boolean,
): ChatMessage {
  const creates = entries.filter((e) => e.action.kind === 'create');
  const created = creates.filter((e) => e.outcome === 'created').length;
  const failed = creates.some((e) => e.outcome === 'failed');
  const rest = countActions(entries.filter((e) => e.action.kind !== 'create').map((e) => e.action));
  const tally = [`${created} created`, rest].filter(Boolean).join(', ');
  const head = !done
    ? `Network setup on ${host}: creating… ${created}/${creates.length}`
    : failed
      ? `Network setup on ${host}: failed (${tally})`
      : `Network setup on ${host}: done (${tally})`;
  const conflicts = entries.some((e) => e.action.kind === 'conflict');
  return message(head, entries.map(line), [], done && conflicts ? [CONFLICT_NOTE] : []);
}
