import { approvalsOf, commandKey, requiredRole } from './command-roles.js';
import { atLeast, type Lab, type Policy, type UserRole } from './policy.js';

export interface ConfirmRefusal {
  text: string;
  outcome: string;
}

/**
 * May this user Confirm a plan of this command in this lab? They need the command's role there, and when the command
 * takes two approvals they must not be the one who asked for it. Pure: the caller resolved the role.
 */
export function mayConfirm(
  policy: Policy,
  lab: Lab,
  words: readonly string[],
  command: string,
  who: { user: string; role: UserRole; requestedBy?: string },
): ConfirmRefusal | undefined {
  const needed = requiredRole(policy, { words });
  if (!atLeast(who.role, needed))
    return {
      text: `Confirming \`${command}\` needs the ${needed} role in lab ${lab.name}; you have ${who.role === 'none' ? 'no role' : `the ${who.role} role`} there. The plan is still pending.`,
      outcome: `refused: confirm needs ${needed}, has ${who.role}`,
    };
  if (approvalsOf(policy, commandKey({ words })) >= 2 && who.requestedBy === who.user)
    return {
      text: `You asked for \`${command}\`, and it takes two people: someone else with the ${needed} role in lab ${lab.name} must Confirm it. The plan is still pending.`,
      outcome: 'refused: two-person approval, the requester cannot confirm their own change',
    };
  return undefined;
}

/** What the plan says about who may confirm it (shown above its buttons). */
export function whoMayConfirm(policy: Policy, lab: Lab, words: readonly string[], requester: string): string {
  const needed = requiredRole(policy, { words });
  const two = approvalsOf(policy, commandKey({ words })) >= 2;
  return two
    ? `Nothing changes until someone with the ${needed} role in lab ${lab.name} other than <@${requester}> confirms (two-person approval).`
    : `Nothing changes until someone with the ${needed} role in lab ${lab.name} confirms.`;
}
