import { type ArgSpec, COMMANDS, type CommandSpec } from '../commands/index.js';
import { UserInputError } from '../errors.js';
import { TargetName } from '../tasks/target-payload.js';

export type ParsedCommand =
  | { kind: 'help' }
  | { kind: 'task'; spec: CommandSpec; target?: string; args?: string[] };

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
  if (spec.args) return { kind: 'task', spec, args: parseArgs(spec, spec.args, args) };
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

function parseArgs(spec: CommandSpec, specs: readonly ArgSpec[], given: string[]): string[] {
  // a last `rest` argument (a reason) takes every word left, joined by single spaces
  const rest = specs.at(-1)?.rest && given.length > specs.length;
  const args = rest ? [...given.slice(0, specs.length - 1), given.slice(specs.length - 1).join(' ')] : given;
  if (args.length > specs.length) throw new UserInputError(`Too many arguments. Usage: \`${spec.usage}\``);
  return specs.flatMap((arg, i) => {
    const value = args[i];
    if (value === undefined) {
      if (arg.optional) return [];
      throw new UserInputError(`Missing the ${arg.name}. Usage: \`${spec.usage}\``);
    }
    if (!arg.valid(value))
      throw new UserInputError(`\`${echo(value)}\` is not a valid ${arg.name}. Usage: \`${spec.usage}\``);
    return [value];
  });
}

const usagesOf = (specs: readonly CommandSpec[]) => specs.map((c) => `\`${c.usage}\``).join(', ');
