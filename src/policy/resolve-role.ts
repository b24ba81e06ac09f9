import { grantsIn, type Lab, type Policy, type UserRole } from './policy.js';

/** The members of a user group (S…), however they are found (Slack, cached). */
export type GroupMembers = (group: string) => Promise<readonly string[]>;

const isGroup = (id: string) => id.startsWith('S');

/**
 * A user's role in a lab: the highest role granted them there or everywhere, by id or through a user group;
 * default_role for anyone the policy does not name.
 */
export async function roleOf(
  policy: Policy,
  lab: Lab,
  user: string,
  members: GroupMembers,
): Promise<UserRole> {
  const grants = grantsIn(policy, lab);
  for (const [role, ids] of [...grants].reverse()) {
    if (ids.includes(user)) return role;
    const groups = ids.filter(isGroup);
    if (groups.length === 0) continue;
    const lists = await Promise.all(groups.map(members));
    if (lists.some((m) => m.includes(user))) return role;
  }
  return policy.defaultRole;
}
