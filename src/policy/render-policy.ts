import type { ChatMessage } from '../chat/message.js';
import type { CommandSpec } from '../commands/index.js';
import { requiredRole } from './command-roles.js';
import { atLeast, channelsText, grantsIn, type Lab, type Policy, type UserRole } from './policy.js';

const reply = (text: string): ChatMessage => ({
  text,
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
});

/** How a grantee is named in Slack: a user, or a user group. */
const named = (id: string) => (id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`);

/** Whom to ask for a role in a lab: its admins, at most five of them. */
export function adminsOf(policy: Policy, lab: Lab): string {
  const admins = grantsIn(policy, lab).find(([role]) => role === 'admin')?.[1] ?? [];
  if (admins.length === 0) return 'whoever edits the labops policy file (LAB_POLICY)';
  return `an admin of lab ${lab.name} (${admins.slice(0, 5).map(named).join(', ')})`;
}

const roleName = (role: UserRole) => (role === 'none' ? 'no role' : `the ${role} role`);

/** A command refused for the user's role: the command, the role it needs, theirs, and whom to ask. */
export function renderRoleRefusal(
  policy: Policy,
  lab: Lab,
  command: string,
  needed: string,
  role: UserRole,
): ChatMessage {
  return reply(
    `\`${command}\` needs the ${needed} role in lab *${lab.name}*; you have ${roleName(role)} there. Ask ${adminsOf(policy, lab)} if you need it.`,
  );
}

/** A command typed where no lab is bound (a DM, another channel): which channels serve which labs. */
export function renderUnbound(policy: Policy): ChatMessage {
  return reply(
    `This channel serves no lab, so nothing was run. Type /lab commands in the channel of the lab you mean:\n${channelsText(policy)}`,
  );
}

/** `/lab help` in a lab's channel: only the commands this user may run there. */
export function renderLabHelp(
  policy: Policy,
  lab: Lab,
  role: UserRole,
  commands: readonly CommandSpec[],
): ChatMessage {
  const allowed = commands.filter((c) => atLeast(role, requiredRole(policy, c)));
  const lines = [
    `*labops* runs lab chores on the hosts of lab *${lab.name}* and answers here. You have ${roleName(role)} in this lab; the commands you may run:`,
    ...allowed.map((c) => `• \`${c.usage}\`: ${c.summary}`),
    '• `/lab help`: this list',
  ];
  return reply(lines.join('\n'));
}
