import { bounded } from './bounded.js';
import { type Finding, ok, problem } from './finding.js';

/** The Web API calls the doctor makes: none changes anything. */
export interface SlackProbe {
  authTest(): Promise<{
    ok?: boolean;
    team?: string;
    user?: string;
    response_metadata?: { scopes?: string[] };
  }>;
  conversationInfo(
    channel: string,
  ): Promise<{ channel?: { is_member?: boolean; is_private?: boolean; name?: string } }>;
  /** Socket Mode: apps.connections.open with the app token (hands out a WebSocket URL; nothing connects). */
  openConnection?(): Promise<{ url?: string }>;
}

export interface SlackCheckDeps {
  slack: SlackProbe;
  mode: 'http' | 'socket';
  wantedScopes: readonly string[];
  alertChannel?: string;
  /** LAB_POLICY: each lab's alert_channel (checked like LAB_ALERT_CHANNEL, named with its lab). */
  labAlertChannels?: ReadonlyArray<{ lab: string; channel: string }>;
  /** The user groups LAB_POLICY grants roles to: reading their members needs usergroups:read. */
  userGroups?: readonly string[];
  timeoutMs: number;
}

/** The scope of usergroups.users.list; not in the manifest's list, as only a policy naming user groups needs it. */
export const GROUPS_SCOPE = 'usergroups:read';

const slackError = (err: unknown) =>
  (err as { data?: { error?: string } }).data?.error ?? (err as Error).message;

const FIXES: Record<string, string> = {
  invalid_auth:
    "SLACK_BOT_TOKEN is not valid: copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page.",
  token_revoked: 'The token was revoked: reinstall the app to the workspace and copy the new xoxb- token.',
  account_inactive: 'The app was uninstalled: reinstall it from its OAuth & Permissions page.',
  not_authed: 'Set SLACK_BOT_TOKEN.',
};

/** The tokens work (auth.test), the bot has the manifest's scopes, and it is in the alert channel. */
export async function checkSlack(deps: SlackCheckDeps): Promise<Finding[]> {
  let auth: Awaited<ReturnType<SlackProbe['authTest']>>;
  try {
    auth = await bounded(deps.slack.authTest(), deps.timeoutMs, 'auth.test');
  } catch (err) {
    const code = slackError(err);
    return [
      problem(
        'fail',
        'slack',
        'token',
        `auth.test: ${code}`,
        FIXES[code] ?? 'Check SLACK_BOT_TOKEN and that this machine reaches slack.com (or SLACK_API_URL).',
      ),
    ];
  }
  const found = [
    ok(
      'slack',
      'token',
      `bot ${auth.user ?? '?'} in ${auth.team ?? '?'} (${deps.mode === 'socket' ? 'Socket Mode' : 'HTTP mode: Slack must reach /slack/events'})`,
    ),
  ];
  found.push(scopes(auth.response_metadata?.scopes, deps.wantedScopes));
  if (deps.userGroups?.length) found.push(groupsScope(auth.response_metadata?.scopes, deps.userGroups));
  found.push(await connection(deps));
  if (deps.alertChannel)
    found.push(await membership(deps, deps.alertChannel, 'alert channel', 'Check LAB_ALERT_CHANNEL'));
  for (const { lab, channel } of deps.labAlertChannels ?? [])
    found.push(
      await membership(
        deps,
        channel,
        `alert channel (lab ${lab})`,
        `Check alert_channel of lab ${lab} in LAB_POLICY`,
      ),
    );
  return found;
}

/** Socket Mode: the app-level token opens connections; HTTP mode: Slack must reach /slack/events, not testable here. */
async function connection(deps: SlackCheckDeps): Promise<Finding> {
  if (deps.mode === 'http' || !deps.slack.openConnection)
    return ok(
      'slack',
      'HTTP mode',
      "Slack must reach https://<this host>/slack/events (the manifest's request URLs)",
    );
  try {
    await bounded(deps.slack.openConnection(), deps.timeoutMs, 'apps.connections.open');
    return ok('slack', 'Socket Mode', 'the app token opens connections');
  } catch (err) {
    const code = slackError(err);
    return problem(
      'fail',
      'slack',
      'Socket Mode',
      `apps.connections.open: ${code}`,
      'SLACK_APP_TOKEN: create an app-level token with connections:write (Basic Information → App-Level Tokens) and turn Socket Mode on.',
    );
  }
}

function scopes(granted: string[] | undefined, wanted: readonly string[]): Finding {
  if (!granted)
    return problem(
      'warn',
      'slack',
      'scopes',
      "Slack did not list the token's scopes",
      "Compare the app's OAuth & Permissions page with slack-app-manifest.yml.",
    );
  if (wanted.length === 0)
    return problem(
      'warn',
      'slack',
      'scopes',
      'slack-app-manifest.yml not found: scopes not compared',
      'Run the doctor from the labops folder.',
    );
  const missing = wanted.filter((s) => !granted.includes(s));
  if (missing.length === 0) return ok('slack', 'scopes', wanted.join(', '));
  return problem(
    'fail',
    'slack',
    'scopes',
    `missing ${missing.join(', ')}`,
    `Add ${missing.join(', ')} under OAuth & Permissions (or re-create the app from slack-app-manifest.yml), then reinstall it to the workspace.`,
  );
}

/** LAB_POLICY grants roles to user groups: without usergroups:read their members get no role from them. */
function groupsScope(granted: string[] | undefined, groups: readonly string[]): Finding {
  const named = `LAB_POLICY grants roles to user group${groups.length === 1 ? '' : 's'} ${groups.slice(0, 5).join(', ')}${groups.length > 5 ? ` and ${groups.length - 5} more` : ''}`;
  const add = `Add ${GROUPS_SCOPE} under OAuth & Permissions (or uncomment it in slack-app-manifest.yml and update the app from it), then reinstall the app to the workspace`;
  if (!granted)
    return problem(
      'warn',
      'slack',
      'user groups',
      `${named}; Slack did not list the token's scopes`,
      `${add} if it lacks it.`,
    );
  if (granted.includes(GROUPS_SCOPE))
    return ok('slack', 'user groups', `${named}; the token has ${GROUPS_SCOPE}`);
  return problem(
    'fail',
    'slack',
    'user groups',
    `${named}, but the token lacks ${GROUPS_SCOPE}: their members get no role from them`,
    `${add}; or name the users (U…) in LAB_POLICY instead of the groups.`,
  );
}

async function membership(
  deps: SlackCheckDeps,
  channel: string,
  what: string,
  whereSet: string,
): Promise<Finding> {
  const invite = `Invite the bot: /invite @labops in ${channel}.`;
  try {
    const info = await bounded(deps.slack.conversationInfo(channel), deps.timeoutMs, 'conversations.info');
    if (info.channel?.is_member) return ok('slack', what, `member of ${info.channel.name ?? channel}`);
    return problem(
      info.channel?.is_private ? 'fail' : 'warn',
      'slack',
      what,
      `not a member of ${info.channel?.name ?? channel}`,
      invite,
    );
  } catch (err) {
    const code = slackError(err);
    if (code === 'not_in_channel' || code === 'channel_not_found')
      return problem(
        'fail',
        'slack',
        what,
        `${channel}: ${code}`,
        `${invite} ${whereSet} is the channel's id (C…).`,
      );
    if (code === 'missing_scope')
      return problem(
        'warn',
        'slack',
        what,
        'membership not checked: reading channels needs channels:read',
        `${invite} (or add channels:read to let the doctor check it).`,
      );
    return problem('warn', 'slack', what, `conversations.info: ${code}`, invite);
  }
}
