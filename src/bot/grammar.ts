import { UserInputError } from '../errors.js';
import { TargetName } from '../tasks/reply-target.js';

/** A /lab command the bot knows: the words that name it and the job it starts. */
export interface CommandSpec {
  words: readonly string[];
  usage: string;
  summary: string;
  task: string;
  /** Changes lab hosts: admins only, and nothing runs before an admin confirms the task's plan. */
  changes?: boolean;
  /** 'preview': run the task's plan only and show it, without buttons (e.g. /lab ntp plan). */
  phase?: 'preview';
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    words: ['ntp', 'status'],
    usage: '/lab ntp status [all|<group>|<host>]',
    summary: 'clock sync state of every host, a group or a host (chronyc tracking and sources)',
    task: 'ntp.status',
  },
];

export type ParsedCommand = { kind: 'help' } | { kind: 'task'; spec: CommandSpec; target?: string };

const MAX_TEXT = 500;

/** Shows a bit of what the user typed back to them, safely (no mrkdwn, no mentions, bounded). */
export const echo = (s: string) => {
  const cut = s.length > 40 ? `${s.slice(0, 40)}…` : s;
  return cut.replace(/[`<>&*_~]/g, ' ');
};

/** Parses the text after "/lab". Pure; every error says what is valid. */
export function parseCommand(text: string): ParsedCommand {
  if (text.length > MAX_TEXT)
    throw new UserInputError(`That command is too long (${text.length} characters). Try \`/lab help\`.`);
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  if (
    tokens.length === 0 ||
    (tokens.length === 1 && ['help', '-h', '--help', '?'].includes(tokens[0] ?? ''))
  ) {
    return { kind: 'help' };
  }
  const lower = tokens.map((t) => t.toLowerCase());
  const spec = COMMANDS.find((c) => c.words.every((w, i) => lower[i] === w));
  if (!spec) {
    throw new UserInputError(
      `Unknown command \`${echo(tokens.join(' '))}\`. Commands: ${usagesOf(COMMANDS)}.`,
    );
  }
  const args = tokens.slice(spec.words.length);
  if (args.length > 1) {
    throw new UserInputError(`Too many arguments. Usage: \`${spec.usage}\``);
  }
  const [target] = args;
  if (target !== undefined && !TargetName.safeParse(target).success) {
    throw new UserInputError(
      `\`${echo(target)}\` is not a valid target: use \`all\`, a group or a host name from the inventory. Usage: \`${spec.usage}\``,
    );
  }
  return { kind: 'task', spec, target };
}

const usagesOf = (specs: readonly CommandSpec[]) => specs.map((c) => `\`${c.usage}\``).join(', ');
