/**
 * Build and send requests to a Bolt HTTP receiver exactly the way Slack does:
 * form-urlencoded bodies, `x-slack-signature` / `x-slack-request-timestamp` headers,
 * interactions as a single `payload` form field holding JSON.
 *
 * Also home of the default IDs and payload builders shared with the fake Slack
 * (test/support/fake-slack.ts), so HTTP-mode and Socket-Mode tests see the same shapes.
 */
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** The IDs the fake workspace uses unless a test overrides them. */
export const SLACK_IDS = {
  teamId: 'T0000TEST',
  teamDomain: 'labops-test',
  enterpriseId: undefined as string | undefined,
  appId: 'A0000TEST',
  botUserId: 'U0000BOT',
  botId: 'B0000BOT',
  botName: 'labops',
  channelId: 'C0000LAB',
  channelName: 'lab-ops',
  userId: 'U0000USER',
  userName: 'alice',
  verificationToken: 'fake-verification-token',
} as const;

/**
 * A response URL that can never be reached (port 1 on loopback refuses at once). Used when a test
 * builds a payload without pointing `response_url` at a fake; `respond()` then fails fast and loudly
 * instead of trying the real hooks.slack.com.
 */
export const UNREACHABLE_RESPONSE_URL = 'http://127.0.0.1:1/response_url/unset';

/** Every field Slack sends with a slash command. All values are strings, as on the wire. */
export interface SlashCommandFields {
  token: string;
  team_id: string;
  team_domain: string;
  enterprise_id?: string;
  enterprise_name?: string;
  channel_id: string;
  channel_name: string;
  user_id: string;
  user_name: string;
  command: string;
  text: string;
  response_url: string;
  trigger_id: string;
  api_app_id: string;
  is_enterprise_install?: string;
  [extra: string]: string | undefined;
}

let triggerCounter = 0;
/** A trigger_id shaped like Slack's (`<n>.<n>.<hex>`). */
export function fakeTriggerId(): string {
  triggerCounter += 1;
  return `${1000000000 + triggerCounter}.${Date.now()}.${Math.random().toString(16).slice(2, 18).padEnd(16, '0')}`;
}

/** Slash command fields with Slack-like defaults (`command` '/lab', empty `text`), overridden by `fields`. */
export function slashCommandFields(fields: Partial<SlashCommandFields> = {}): SlashCommandFields {
  const base: SlashCommandFields = {
    token: SLACK_IDS.verificationToken,
    team_id: SLACK_IDS.teamId,
    team_domain: SLACK_IDS.teamDomain,
    channel_id: SLACK_IDS.channelId,
    channel_name: SLACK_IDS.channelName,
    user_id: SLACK_IDS.userId,
    user_name: SLACK_IDS.userName,
    command: '/lab',
    text: '',
    api_app_id: SLACK_IDS.appId,
    is_enterprise_install: 'false',
    response_url: UNREACHABLE_RESPONSE_URL,
    trigger_id: fakeTriggerId(),
  };
  const out: SlashCommandFields = { ...base };
  for (const [k, v] of Object.entries(fields)) {
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** `application/x-www-form-urlencoded` body of a slash command, as Slack posts it. */
export function slashCommandBody(fields: Partial<SlashCommandFields> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(slashCommandFields(fields))) {
    if (v !== undefined) params.append(k, v);
  }
  return params.toString();
}

/** One element of `actions` in a block_actions payload; only `action_id` is required here. */
export interface BlockActionInput {
  action_id: string;
  block_id?: string;
  type?: string;
  value?: string;
  text?: { type: 'plain_text'; text: string; emoji?: boolean };
  selected_option?: unknown;
  action_ts?: string;
  [extra: string]: unknown;
}

/** The parts of a block_actions payload a test usually cares about; everything else gets a default. */
export interface BlockActionsInput {
  actions: BlockActionInput[];
  user_id?: string;
  user_name?: string;
  channel_id?: string;
  channel_name?: string;
  team_id?: string;
  /** ts of the message holding the clicked button (container.message_ts). */
  message_ts?: string;
  /** The message object Slack includes for message containers. */
  message?: Record<string, unknown>;
  response_url?: string;
  trigger_id?: string;
  state?: { values: Record<string, unknown> };
  is_ephemeral?: boolean;
}

/** A full `block_actions` interaction payload shaped like Slack's; `extra` is merged on top. */
export function blockActionsPayload(
  input: BlockActionsInput,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const userId = input.user_id ?? SLACK_IDS.userId;
  const userName = input.user_name ?? SLACK_IDS.userName;
  const teamId = input.team_id ?? SLACK_IDS.teamId;
  const channelId = input.channel_id ?? SLACK_IDS.channelId;
  const messageTs = input.message_ts ?? '1700000000.000100';
  const actionTs = (Date.now() / 1000).toFixed(6);
  return {
    type: 'block_actions',
    user: { id: userId, username: userName, name: userName, team_id: teamId },
    api_app_id: SLACK_IDS.appId,
    token: SLACK_IDS.verificationToken,
    container: {
      type: 'message',
      message_ts: messageTs,
      channel_id: channelId,
      is_ephemeral: input.is_ephemeral ?? false,
    },
    trigger_id: input.trigger_id ?? fakeTriggerId(),
    team: { id: teamId, domain: SLACK_IDS.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channelId, name: input.channel_name ?? SLACK_IDS.channelName },
    message: input.message ?? {
      type: 'message',
      user: SLACK_IDS.botUserId,
      bot_id: SLACK_IDS.botId,
      ts: messageTs,
      text: '',
    },
    state: input.state ?? { values: {} },
    response_url: input.response_url ?? UNREACHABLE_RESPONSE_URL,
    actions: input.actions.map((a) => ({
      type: 'button',
      block_id: 'fake_block',
      action_ts: actionTs,
      ...a,
    })),
    ...extra,
  };
}

/** True for a complete interaction payload (it has a `type`), false for a {@link BlockActionsInput}. */
export function isFullPayload(p: BlockActionsInput | Record<string, unknown>): p is Record<string, unknown> {
  return 'type' in p && typeof p.type === 'string';
}

/** Interaction body: a single form field `payload` holding the JSON payload. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface SlackSignatureHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
}

/** Slack's v0 request signature: `v0=` + hex HMAC-SHA256(secret, `v0:<ts>:<raw body>`). */
export function signRequest(
  secret: string,
  body: string,
  timestampSeconds: number = Math.floor(Date.now() / 1000),
): SlackSignatureHeaders {
  const ts = String(timestampSeconds);
  const hex = createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${hex}`, 'x-slack-request-timestamp': ts };
}

export interface SlackPostOptions {
  /** Unix seconds for `x-slack-request-timestamp` (and the signature). Default: now. */
  timestamp?: number;
  /** Sign with the wrong secret so the receiver must reject the request. */
  badSignature?: boolean;
  /** Leave out both signature headers entirely. */
  unsigned?: boolean;
  /** Extra or overriding headers (e.g. `x-slack-retry-num`). */
  headers?: Record<string, string>;
  /** Give up after this many ms. Default 10 000. */
  timeoutMs?: number;
}

export interface SlackPostResult {
  status: number;
  /** The raw response body (Bolt acks with '' , a string, or JSON). */
  body: string;
  /** `body` parsed as JSON when it is JSON, else undefined. */
  json?: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * POST a raw form body to `url` the way Slack does: content-type exactly
 * `application/x-www-form-urlencoded` (Bolt compares it verbatim; a `; charset=` suffix makes it
 * parse the body as JSON), signed with `secret`. No keep-alive, so servers close promptly.
 */
export function postSlackRequest(
  url: string,
  secret: string,
  body: string,
  opts: SlackPostOptions = {},
): Promise<SlackPostResult> {
  const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const sig = opts.unsigned
    ? undefined
    : signRequest(opts.badSignature ? `${secret}-wrong` : secret, body, ts);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    connection: 'close',
    ...(sig ?? {}),
    ...(opts.headers ?? {}),
  };
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(target, { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body: text, json, headers: res.headers });
      });
    });
    req.setTimeout(opts.timeoutMs ?? 10_000, () => {
      req.destroy(
        new Error(`postSlackRequest: no response from ${url} within ${opts.timeoutMs ?? 10_000}ms`),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Send a signed slash command to a Bolt HTTP endpoint (e.g. `http://127.0.0.1:<port>/slack/events`). */
export function postSlashCommand(
  url: string,
  secret: string,
  fields: Partial<SlashCommandFields> = {},
  opts: SlackPostOptions = {},
): Promise<SlackPostResult> {
  return postSlackRequest(url, secret, slashCommandBody(fields), opts);
}

/**
 * Send a signed interaction. `payload` is either a full payload (has `type`) sent as is, or a
 * {@link BlockActionsInput} expanded with {@link blockActionsPayload}.
 */
export function postInteraction(
  url: string,
  secret: string,
  payload: BlockActionsInput | Record<string, unknown>,
  opts: SlackPostOptions = {},
): Promise<SlackPostResult> {
  const full = isFullPayload(payload) ? payload : blockActionsPayload(payload);
  return postSlackRequest(url, secret, interactionBody(full), opts);
}
