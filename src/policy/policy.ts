import type { Inventory } from '../inventory/index.js';
import { type Grants, ROLES, type RoleName } from './policy-file.js';

/** A user's role in a lab: one of the roles, or none (people the policy does not name, unless default_role says). */
export type UserRole = RoleName | 'none';

/** One lab labops serves: its hosts, how to reach them, the channels bound to it and who has which role there. */
export interface Lab {
  name: string;
  inventory: Inventory;
  knownHostsPath: string;
  /** Where its Redis keys live (host locks, audit trail, drift watch): the queue prefix itself for the policy-less lab. */
  keyPrefix: string;
  /** The channels bound to it; 'any' for the one lab of a policy-less labops (every channel, DMs too). */
  channels: readonly string[] | 'any';
  alertChannel?: string;
  grants: Grants;
}

/** Who may do what, where: every lab, the roles granted everywhere, and what each command needs. */
export interface Policy {
  /** From LAB_POLICY (true), or built from LAB_INVENTORY and LAB_ADMINS as labops always worked (false). */
  fromFile: boolean;
  labs: ReadonlyMap<string, Lab>;
  /** Roles granted in every lab (LAB_ADMINS are admins here). */
  grants: Grants;
  defaultRole: UserRole;
  /** Minimum role per command, by its words ("ntp setup"); commands not named need their default. */
  commands: Readonly<Record<string, RoleName>>;
  /** People who must agree to a command's change, the requester included (2: someone else must Confirm). */
  approvals: Readonly<Record<string, number>>;
}

export const rank = (role: UserRole) => (role === 'none' ? -1 : ROLES.indexOf(role));
export const atLeast = (role: UserRole, needed: RoleName) => rank(role) >= rank(needed);
export const higher = (a: UserRole, b: UserRole): UserRole => (rank(a) >= rank(b) ? a : b);

/** The lab whose commands this channel runs, if any. */
export function labOfChannel(policy: Policy, channel: string): Lab | undefined {
  for (const lab of policy.labs.values())
    if (lab.channels === 'any' || lab.channels.includes(channel)) return lab;
  return undefined;
}

/** The grants that apply in a lab: the lab's own and the policy's, role by role. */
export function grantsIn(policy: Policy, lab: Lab): Array<[RoleName, readonly string[]]> {
  return ROLES.map((role) => [role, [...(policy.grants[role] ?? []), ...(lab.grants[role] ?? [])]]);
}

/** The labs a user can see (any role at all in them), for the App Home and the unbound-channel answer. */
export function channelsText(policy: Policy): string {
  const lines = [...policy.labs.values()].map((lab) =>
    lab.channels === 'any'
      ? `• lab *${lab.name}*: every channel`
      : `• lab *${lab.name}*: ${lab.channels.length ? lab.channels.map((c) => `<#${c}>`).join(', ') : 'no channel yet'}`,
  );
  return lines.join('\n');
}

/** The user groups (S…) the policy grants roles to, in any lab or everywhere: their members need usergroups:read. */
export function namedGroups(policy: Policy): string[] {
  const grants = [policy.grants, ...[...policy.labs.values()].map((lab) => lab.grants)];
  const ids = grants.flatMap((g) => Object.values(g).flat() as string[]);
  return [...new Set(ids.filter((id) => id.startsWith('S')))];
}
