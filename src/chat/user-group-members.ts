import type { WebClient } from '@slack/web-api';

/** A user group's members from Slack (usergroups.users.list): user ids only, bounded. */
export async function groupMembers(
  slack: Pick<WebClient, 'usergroups'>,
  group: string,
): Promise<readonly string[]> {
  const answer = await slack.usergroups.users.list({ usergroup: group });
  const users = Array.isArray(answer.users) ? answer.users : [];
  return users
    .filter((u): u is string => typeof u === 'string' && /^[UW][A-Z0-9]{2,20}$/.test(u))
    .slice(0, 10_000);
}
