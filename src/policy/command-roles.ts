import { COMMANDS, type CommandSpec } from '../commands/index.js';
import type { Policy } from './policy.js';
import type { RoleName } from './policy-file.js';

/** The defaults for the commands it names (keys as typed after /lab). */
export const DEFAULT_COMMAND_ROLES: Readonly<Record<string, RoleName>> = {
  'ntp status': 'viewer',
  'ntp plan': 'viewer',
  'ntp setup': 'operator',
  'host prep': 'operator',
  'network setup': 'operator',
  'deploy openstack': 'admin',
};

/** Quick commands whose handlers check for an admin themselves: the policy cannot open them to less. */
export const ADMIN_ONLY = new Set(['ntp watch', 'ntp silence', 'ntp unsilence', 'doctor']);

export const commandKey = (spec: Pick<CommandSpec, 'words'>) => spec.words.join(' ');
export const COMMAND_KEYS: ReadonlySet<string> = new Set(COMMANDS.map(commandKey));
export const CHANGING_KEYS: ReadonlySet<string> = new Set(COMMANDS.filter((c) => c.changes).map(commandKey));

/** A command not in the defaults: a change needs an admin, the admins' quick commands too, the rest a viewer. */
function fallback(key: string): RoleName {
  if (DEFAULT_COMMAND_ROLES[key]) return DEFAULT_COMMAND_ROLES[key];
  return CHANGING_KEYS.has(key) || ADMIN_ONLY.has(key) ? 'admin' : 'viewer';
}

/** The least role that may run a command (and confirm its plan). */
export const requiredRole = (policy: Policy, spec: Pick<CommandSpec, 'words'>): RoleName =>
  policy.commands[commandKey(spec)] ?? fallback(commandKey(spec));

/** How many people must agree to a command's change, the requester included (1 unless `approvals` says). */
export const approvalsOf = (policy: Policy, command: string): number => policy.approvals[command] ?? 1;

/** Problems of the `commands` and `approvals` keys, one line each (pure: for the policy loader). */
export function commandProblems(
  commands: Record<string, RoleName>,
  approvals: Record<string, number>,
): string[] {
  const known = [...COMMAND_KEYS].join(', ');
  const unknown = (section: string, key: string) =>
    `${section}.${key}: not a /lab command (commands: ${known})`;
  return [
    ...Object.entries(commands).flatMap(([key, role]) =>
      !COMMAND_KEYS.has(key)
        ? [unknown('commands', key)]
        : ADMIN_ONLY.has(key) && role !== 'admin'
          ? [`commands.${key}: must be admin (labops checks for an admin when it runs)`]
          : [],
    ),
    ...Object.keys(approvals).flatMap((key) =>
      !COMMAND_KEYS.has(key)
        ? [unknown('approvals', key)]
        : !CHANGING_KEYS.has(key)
          ? [
              `approvals.${key}: only a command that changes hosts (and so has a plan to Confirm) takes approvals`,
            ]
          : [],
    ),
  ];
}
