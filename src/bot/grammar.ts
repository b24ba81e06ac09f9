import { UserInputError } from '../errors.js';
import { TargetName } from '../tasks/target-payload.js';

/** A /lab command the bot knows: the words that name it and the job it starts. */
export interface CommandSpec {
  words: readonly string[];
  usage: string;
  summary: string;
  task: string;
  /** Changes lab hosts: admins only, and nothing runs before an admin confirms the task's plan. */
  changes?: boolean;
  /** The target when none is typed ("all" unless the command is about one group, e.g. the controller). */
  defaultTarget?: string;
  /** 'preview': run the task's plan only and show it, without buttons (e.g. /lab ntp plan). */
  phase?: 'preview';
  /** Answered by the bot itself, at once, without a job or SSH; `task` names the bot's handler. */
  quick?: boolean;
  /** Arguments in order, instead of the one optional target; optional ones come last. */
  args?: readonly ArgSpec[];
}

/** One positional argument of a command: its name in messages and what it may be. */
export interface ArgSpec {
  name: string;
  valid(value: string): boolean;
  optional?: boolean;
}

const isTarget = (v: string) => TargetName.safeParse(v).success;

export const COMMANDS: readonly CommandSpec[] = [
  {
    words: ['ntp', 'status'],
    usage: '/lab ntp status [all|<group>|<host>]',
    summary: 'clock sync state of every host, a group or a host (chronyc tracking and sources)',
    task: 'ntp.status',
  },
  {
    words: ['ntp', 'setup'],
    usage: '/lab ntp setup [all|<group>|<host>]',
    summary:
      'chrony.conf as the runbook writes it, UDP 123 open on time servers, chronyd restarted and checked; default: ntp_servers, then ntp_clients; admins only, runs after Confirm',
    task: 'ntp.setup',
    changes: true,
  },
  {
    words: ['ntp', 'plan'],
    usage: '/lab ntp plan [all|<group>|<host>]',
    summary: 'what /lab ntp setup would change (chrony.conf diffs, firewall, restarts); changes nothing',
    task: 'ntp.setup',
    phase: 'preview',
  },
  {
    words: ['host', 'prep'],
    usage: '/lab host prep <group|host>',
    summary:
      'SELinux to permissive now and in /etc/selinux/config (getenforce before and after); admins only, runs after Confirm',
    task: 'host.prep',
    changes: true,
  },
  {
    words: ['ntp', 'alerts'],
    usage: '/lab ntp alerts',
    summary: 'open clock-drift alerts and when the hosts were last checked',
    task: 'ntp.alerts',
    quick: true,
    args: [],
  },
  {
    words: ['ntp', 'watch'],
    usage: '/lab ntp watch on|off',
    summary: 'resume or pause the clock-drift watch (admins)',
    task: 'ntp.watch',
    quick: true,
    args: [{ name: 'on or off', valid: (v) => /^(on|off)$/i.test(v) }],
  },
  {
    words: ['ntp', 'graph'],
    usage: '/lab ntp graph <host|group> [hours]',
    summary: 'chart of clock offsets over the last hours (default 6, at most 168)',
    task: 'ntp.graph',
    quick: true,
    args: [
      { name: 'host or group', valid: isTarget },
      { name: 'number of hours', valid: (v) => /^\d{1,3}$/.test(v), optional: true },
    ],
  },
  {
    words: ['network', 'list'],
    usage: '/lab network list [<controller>]',
    summary: 'networks (external or not) with their subnets, and routers, on the OpenStack controller',
    task: 'network.list',
    defaultTarget: 'openstack_controllers',
  },
  {
    words: ['network', 'setup'],
    usage: '/lab network setup [<controller>]',
    summary: "create the runbook's ext1/subext1, int1/subint1 and router1; admins only, runs after Confirm",
    task: 'network.setup',
    defaultTarget: 'openstack_controllers',
    changes: true,
  },
  {
    words: ['network', 'check'],
    usage: '/lab network check [<controller>]',
    summary: 'br-ex has the address and ens33 none, OVS bridges and patch ports, Neutron agents alive',
    task: 'network.check',
    defaultTarget: 'openstack_controllers',
  },
  {
    words: ['deploy', 'openstack'],
    usage: '/lab deploy openstack [<controller>]',
    summary:
      "the runbook's packstack all-in-one: preflight, prepare, answer file, install with live progress, verify; admins only, runs after Confirm",
    task: 'deploy.openstack',
    defaultTarget: 'openstack_controllers',
    changes: true,
  },
  {
    words: ['jobs'],
    usage: '/lab jobs',
    summary: 'running and recent jobs: command, who, targets, state, time; Cancel on your own running ones',
    task: 'lab.jobs',
    quick: true,
    args: [],
  },
  {
    words: ['cancel'],
    usage: '/lab cancel <job>',
    summary: 'stop a running or waiting job (its requester or an admin); remote commands are killed',
    task: 'lab.cancel',
    quick: true,
    args: [{ name: 'job id (see /lab jobs)', valid: (v) => /^[A-Za-z0-9][\w.:-]{0,79}$/.test(v) }],
  },
  {
    words: ['history'],
    usage: '/lab history [n]',
    summary:
      'the audit trail: the last n commands, confirmations, refusals, cancels and results (default 20, at most 100)',
    task: 'lab.history',
    quick: true,
    args: [
      {
        name: 'number of entries (1-100)',
        valid: (v) => /^\d{1,3}$/.test(v) && +v >= 1 && +v <= 100,
        optional: true,
      },
    ],
  },
];

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

function parseArgs(spec: CommandSpec, specs: readonly ArgSpec[], args: string[]): string[] {
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
