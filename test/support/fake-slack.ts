/**
 * A fake Slack for integration tests, speaking the real wire protocols on 127.0.0.1:
 *
 * - Web API: `POST <apiUrl><method>` with form-urlencoded, multipart or JSON bodies and
 *   `Authorization: Bearer <token>` (or a `token` body field), answering `{ ok, ... }` JSON.
 *   Point Bolt at it with `clientOptions: { slackApiUrl: fake.apiUrl }`.
 * - File uploads (files.uploadV2 flow): files.getUploadURLExternal hands out an upload URL on this
 *   server, the upload POST is accepted and its bytes kept, files.completeUploadExternal shares it.
 * - response_url: URLs minted by {@link FakeSlack.responseUrl} (and any `/response_url/...` path)
 *   accept POSTs, recorded as calls with method `response_url`.
 * - Socket Mode: apps.connections.open (app token) returns a `ws://` URL on this server; the fake
 *   sends `hello`, pushes envelopes and collects the app's acks.
 *
 * Everything that arrives is recorded in {@link FakeSlack.calls}; {@link FakeSlack.messages} is the
 * resulting channel state. Failures can be injected per method with {@link FakeSlack.failNext}.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import {
  type BlockActionsInput,
  blockActionsPayload,
  isFullPayload,
  SLACK_IDS,
  type SlashCommandFields,
  slashCommandFields,
} from './slack-request.js';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export interface FakeSlackOptions {
  /** The only bot token the Web API accepts. Default 'xoxb-fake-bot-token'. */
  botToken?: string;
  /** The only app-level token apps.connections.open accepts. Default 'xapp-fake-app-token'. */
  appToken?: string;
  /** How long pushSlashCommand/pushInteraction wait for the app's ack. Default 3000 (Slack's limit). */
  ackTimeoutMs?: number;
  /** conversations.info answers for these IDs; any other ID gets a generic public channel. */
  channels?: Record<string, Partial<FakeChannel>>;
  /** The bot token's scopes, sent as Slack does in the x-oauth-scopes header of every answer. Default: none sent. */
  scopes?: string[];
}

/** One request the fake received. */
export interface RecordedCall {
  /**
   * Web API method ('chat.postMessage', ...), or one of the pseudo-methods:
   * 'file_upload' (bytes POSTed to an upload_url), 'response_url' (POST to a response URL),
   * 'socket_ack' (an ack the app sent over the WebSocket).
   */
  method: string;
  /** Arguments with JSON-in-form fields (blocks, attachments, files, view, ...) parsed back to values.
   *  Other form values stay strings, exactly as sent ('true', '42'). The token is not included. */
  args: Record<string, unknown>;
  /** Date.now() when the request arrived. */
  at: number;
  /** Token the call was made with (Authorization header or `token` field), if any. */
  token?: string;
  /** HTTP status the fake answered with; 0 for an injected hang. */
  status: number;
  /** `ok` of the JSON answer (false for HTTP errors and hangs). */
  ok: boolean;
  /** `error` of the JSON answer, or 'http_<status>' / 'hang' for injected transport failures. */
  error?: string;
  /** Set when the call failed because of {@link FakeSlack.failNext}. */
  injected?: FailureSpec;
  /** For 'response_url' and 'file_upload': the URL path that was hit. */
  path?: string;
}

/**
 * A one-shot failure for the next call of a method.
 * - `{ status: 429, retryAfter }`: HTTP 429 with `Retry-After: <retryAfter>` (seconds, default 1).
 * - `{ status: 500 }` (any non-200): that HTTP status, body `{"ok":false,"error":"internal_error"}`.
 * - `{ hang: true }`: never answer (the socket is destroyed on close()).
 * - `{ error: 'channel_not_found' }`: HTTP 200 `{ ok: false, error }` (plus `extra` fields).
 */
export type FailureSpec =
  | { status: number; retryAfter?: number; body?: string }
  | { hang: true }
  | { error: string; extra?: Record<string, unknown> };

export interface FakeFileInfo {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  filetype: string;
  size: number;
}

/** State of a message the bot posted, after any updates. */
export interface FakeMessage {
  channel: string;
  ts: string;
  /** For replies: the parent's ts. Parents that got replies also carry their own ts here (as Slack does). */
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: unknown;
  files?: FakeFileInfo[];
  user: string;
  bot_id: string;
  app_id: string;
  /** Number of replies in its thread (parents only). */
  reply_count?: number;
  edited?: { user: string; ts: string };
  /** Earlier versions (before each chat.update / replace_original), oldest first. */
  history: Array<{ text?: string; blocks?: unknown[]; attachments?: unknown[] }>;
  deleted: boolean;
  /** Which call created it. */
  via: 'chat.postMessage' | 'files.completeUploadExternal' | 'response_url';
}

export interface FakeEphemeral {
  channel: string;
  user?: string;
  message_ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  via: 'chat.postEphemeral' | 'response_url';
}

export interface FakeFile {
  id: string;
  filename: string;
  title?: string;
  /** `length` announced to files.getUploadURLExternal. */
  length: number;
  /** The uploaded bytes; undefined until the upload POST arrives. */
  content?: Buffer;
  completed: boolean;
  channel?: string;
  thread_ts?: string;
  initial_comment?: string;
  /** ts of the message that shared it (when completed with a channel). */
  message_ts?: string;
}

export interface FakeChannel {
  id: string;
  name: string;
  is_channel: boolean;
  is_group: boolean;
  is_im: boolean;
  is_private: boolean;
  is_archived: boolean;
  is_member: boolean;
  created: number;
  [extra: string]: unknown;
}

export interface PushResult {
  envelopeId: string;
  /** The payload that was pushed (slash command fields incl. the minted response_url, or the interaction). */
  payload: Record<string, unknown>;
  /** What the app put in its ack. Note the socket-mode client always sends an object:
   *  `ack()` arrives as `{}`, `ack('hi')` as `{ text: 'hi' }`, `ack({ ... })` as that object. */
  ackPayload?: unknown;
}

export interface PushOptions {
  /** Override the ack deadline for this push. */
  timeoutMs?: number;
  /** Sets `retry_attempt` / `retry_reason` on the envelope (Slack's redelivery fields). */
  retryAttempt?: number;
  retryReason?: string;
}

export interface ResponseUrlContext {
  /** Channel the command/interaction came from: `response_type: 'in_channel'` posts there. */
  channel?: string;
  /** Message the interaction came from: `replace_original` / `delete_original` act on it. */
  messageTs?: string;
  /** User who triggered it: ephemeral responses are addressed to them. */
  user?: string;
}

/** Return value of a custom method handler: the JSON body (without `ok` it defaults to true). */
export type MethodHandler = (
  args: Record<string, unknown>,
  ctx: { token?: string; fake: FakeSlack },
) => Record<string, unknown> | Promise<Record<string, unknown>>;

export type CallMatcher = string | ((call: RecordedCall) => boolean);

export interface FakeSlack {
  /** Base URL of the Web API, ending in '/api/' — use as `slackApiUrl`. */
  readonly apiUrl: string;
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  readonly port: number;
  readonly botToken: string;
  readonly appToken: string;
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;

  /** Every request received since start (or reset), oldest first. */
  readonly calls: RecordedCall[];
  /** Calls of one method (shorthand for a filter). */
  callsTo(method: string): RecordedCall[];
  /** Current state of the bot's messages (after updates, without deleted ones), replies included, in post order. */
  messages(channel?: string, opts?: { includeDeleted?: boolean }): FakeMessage[];
  /** One message by channel and ts (deleted ones too). */
  message(channel: string, ts: string): FakeMessage | undefined;
  /** Replies in a thread, oldest first. */
  thread(channel: string, threadTs: string): FakeMessage[];
  ephemerals(channel?: string): FakeEphemeral[];
  /** Files announced via files.getUploadURLExternal, with their uploaded content. */
  files(): FakeFile[];
  /** The home tab last published for a user via views.publish. */
  homeView(userId: string): unknown;
  /** Sets a user group's members, as usergroups.users.list answers them (an unknown group: no_such_subteam). */
  setUserGroup(groupId: string, users: readonly string[]): void;

  /**
   * Resolve with the first call (already recorded or arriving later) that matches: a method name or
   * a predicate. Rejects after `timeoutMs` (default 3000) listing what did arrive.
   */
  waitFor(match: CallMatcher, timeoutMs?: number): Promise<RecordedCall>;
  /** Resolve once `count` matching calls have been recorded. */
  waitForCount(match: CallMatcher, count: number, timeoutMs?: number): Promise<RecordedCall[]>;
  /** Forget calls, messages, files, views and pending failures (handlers and sockets stay). */
  reset(): void;
  /** Make the next call of `method` fail as described; call again to queue more (`times` at once). */
  failNext(method: string, failure: FailureSpec, times?: number): void;
  /** Answer `method` with a custom handler (adds methods or overrides built-in ones). Bot token required. */
  handle(method: string, handler: MethodHandler): void;

  /** Mint a response_url on this fake; POSTs to it are recorded as method 'response_url'. */
  responseUrl(ctx?: ResponseUrlContext): string;

  /** Resolve once a Socket Mode client is connected and has been sent `hello` (immediately if one is). */
  socketConnected(timeoutMs?: number): Promise<void>;
  /** Resolve once no Socket Mode connection is open (e.g. after `app.stop()`), polling every 10ms. */
  socketsClosed(timeoutMs?: number): Promise<void>;
  /** Number of currently open Socket Mode connections. */
  socketCount(): number;
  /**
   * Push a slash command envelope (`type: 'slash_commands'`, `accepts_response_payload: true`) over
   * the newest connection and resolve with the app's ack. Missing fields get defaults
   * (command '/lab', a response_url minted on this fake, ...).
   */
  pushSlashCommand(payload?: Partial<SlashCommandFields>, opts?: PushOptions): Promise<PushResult>;
  /**
   * Push an interaction envelope (`type: 'interactive'`). Pass a full payload (with `type`) or a
   * {@link BlockActionsInput} to get a complete block_actions payload.
   */
  pushInteraction(
    payload: BlockActionsInput | Record<string, unknown>,
    opts?: PushOptions,
  ): Promise<PushResult>;
  /** Push any envelope; resolves with the ack when `awaitAck` (default true). */
  pushEnvelope(
    type: string,
    payload: Record<string, unknown>,
    opts?: PushOptions & { acceptsResponsePayload?: boolean; awaitAck?: boolean },
  ): Promise<PushResult>;
  /** Send Slack's `{ type: 'disconnect' }` on every connection (the client closes and reconnects). */
  sendDisconnect(reason?: string): void;
  /** Kill every WebSocket abruptly (no close frame), like a network drop. */
  dropSockets(): void;

  /**
   * Reject pending waits/acks, terminate sockets, destroy hanging requests, close the server.
   * Stop Socket Mode apps first (`await app.stop(); await fake.socketsClosed()`): a client whose
   * socket is dropped schedules a reconnect, which then fails against the closed fake.
   */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Implementation
// ---------------------------------------------------------------------------------------------

/** Form fields Slack clients send JSON-encoded; they are parsed back for `args`. */
const JSON_FIELDS = new Set([
  'blocks',
  'attachments',
  'files',
  'metadata',
  'view',
  'unfurls',
  'user_auth_blocks',
  'file_uploads',
  'channels_json',
]);

const APP_TOKEN_METHODS = new Set(['apps.connections.open']);

class HttpReply {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown> | string,
    readonly headers: Record<string, string> = {},
  ) {}
}

interface ParsedBody {
  fields: Record<string, unknown>;
  fileParts: Array<{ name: string; filename?: string; contentType?: string; data: Buffer }>;
  raw: Buffer;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseMultipart(body: Buffer, contentType: string): ParsedBody {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  const out: ParsedBody = { fields: {}, fileParts: [], raw: body };
  if (!boundary) return out;
  const delim = Buffer.from(`--${boundary.trim()}`);
  let pos = body.indexOf(delim);
  while (pos !== -1) {
    let start = pos + delim.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    if (body.subarray(start, start + 2).toString() === '\r\n') start += 2;
    const next = body.indexOf(delim, start);
    if (next === -1) break;
    let end = next;
    if (body.subarray(end - 2, end).toString() === '\r\n') end -= 2;
    const part = body.subarray(start, end);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const data = part.subarray(headerEnd + 4);
      const name = /\bname="([^"]*)"/i.exec(headers)?.[1] ?? '';
      const filename = /\bfilename="([^"]*)"/i.exec(headers)?.[1];
      const partType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim();
      if (filename !== undefined) {
        out.fileParts.push({ name, filename, contentType: partType, data: Buffer.from(data) });
      } else {
        out.fields[name] = data.toString('utf8');
      }
    }
    pos = next;
  }
  return out;
}

function parseBody(raw: Buffer, contentType: string | undefined, query: URLSearchParams): ParsedBody {
  const ct = (contentType ?? '').toLowerCase();
  let parsed: ParsedBody = { fields: {}, fileParts: [], raw };
  if (ct.startsWith('multipart/form-data')) {
    parsed = parseMultipart(raw, contentType ?? '');
  } else if (ct.startsWith('application/json')) {
    const text = raw.toString('utf8');
    const value: unknown = text ? JSON.parse(text) : {};
    parsed.fields = value && typeof value === 'object' && !Array.isArray(value) ? { ...value } : { value };
  } else if (raw.length > 0 && (ct.startsWith('application/x-www-form-urlencoded') || ct === '')) {
    for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) parsed.fields[k] = v;
  }
  for (const [k, v] of query) {
    if (!(k in parsed.fields)) parsed.fields[k] = v;
  }
  return parsed;
}

/** Parse JSON-encoded form fields (blocks, attachments, ...) back into values. */
function decodeArgs(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (JSON_FIELDS.has(k) && typeof v === 'string') {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        // keep the raw string; the handler decides whether that is an error
      }
    }
    out[k] = v;
  }
  return out;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function arr(v: unknown): unknown[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

function isTrue(v: unknown): boolean {
  return v === true || v === 'true' || v === '1' || v === 1;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

function matcherOf(match: CallMatcher): (c: RecordedCall) => boolean {
  return typeof match === 'string' ? (c) => c.method === match : match;
}

function guessFiletype(filename: string): { mimetype: string; filetype: string } {
  const ext = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase() ?? '';
  const table: Record<string, string> = {
    txt: 'text/plain',
    log: 'text/plain',
    json: 'application/json',
    csv: 'text/csv',
    md: 'text/markdown',
    html: 'text/html',
    png: 'image/png',
    gz: 'application/gzip',
  };
  return { mimetype: table[ext] ?? 'application/octet-stream', filetype: ext || 'binary' };
}

export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const botToken = opts.botToken ?? 'xoxb-fake-bot-token';
  const appToken = opts.appToken ?? 'xapp-fake-app-token';
  const ackTimeoutMs = opts.ackTimeoutMs ?? 3000;
  const ids = SLACK_IDS;

  // ---- state -------------------------------------------------------------------------------
  const calls: RecordedCall[] = [];
  let messageList: FakeMessage[] = [];
  let ephemeralList: FakeEphemeral[] = [];
  let fileMap = new Map<string, FakeFile>();
  let homeViews = new Map<string, unknown>();
  let failures = new Map<string, FailureSpec[]>();
  const handlers = new Map<string, MethodHandler>();
  const responseUrls = new Map<string, ResponseUrlContext>();
  const userGroups = new Map<string, readonly string[]>();
  const tickets = new Set<string>();
  let tsCounter = 0;
  let fileCounter = 0;
  let viewCounter = 0;

  type Waiter = { match: (c: RecordedCall) => boolean; count: number; resolve: (c: RecordedCall[]) => void };
  const waiters = new Set<Waiter>();
  const waiterTimers = new Map<Waiter, { timer: NodeJS.Timeout; reject: (e: Error) => void }>();

  const hanging = new Set<ServerResponse>();
  const sockets: WebSocket[] = [];
  const connectWaiters = new Set<{
    resolve: () => void;
    reject: (e: Error) => void;
    timer: NodeJS.Timeout;
  }>();
  const pendingAcks = new Map<
    string,
    { resolve: (payload: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout | undefined }
  >();
  let closed = false;

  const nextTs = (): string => {
    tsCounter += 1;
    const micros = tsCounter * 100;
    return `${1700000000 + Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  };

  const record = (call: RecordedCall): void => {
    calls.push(call);
    for (const w of [...waiters]) {
      const matched = calls.filter(w.match);
      if (matched.length >= w.count) {
        waiters.delete(w);
        const t = waiterTimers.get(w);
        if (t) clearTimeout(t.timer);
        waiterTimers.delete(w);
        w.resolve(matched.slice(0, w.count));
      }
    }
  };

  const takeFailure = (method: string): FailureSpec | undefined => {
    const queue = failures.get(method);
    const f = queue?.shift();
    if (queue && queue.length === 0) failures.delete(method);
    return f;
  };

  const findMessage = (channel: string, ts: string): FakeMessage | undefined =>
    messageList.find((m) => m.channel === channel && m.ts === ts);

  const messageJson = (m: FakeMessage): Record<string, unknown> => {
    const out: Record<string, unknown> = {
      type: 'message',
      user: m.user,
      bot_id: m.bot_id,
      app_id: m.app_id,
      team: ids.teamId,
      ts: m.ts,
      text: m.text ?? '',
    };
    if (m.blocks) out.blocks = m.blocks;
    if (m.attachments) out.attachments = m.attachments;
    if (m.thread_ts) out.thread_ts = m.thread_ts;
    if (m.files) out.files = m.files;
    if (m.edited) out.edited = m.edited;
    if (m.metadata) out.metadata = m.metadata;
    if (m.reply_count !== undefined) out.reply_count = m.reply_count;
    return clone(out);
  };

  const addMessage = (
    channel: string,
    fields: Pick<FakeMessage, 'text' | 'blocks' | 'attachments' | 'metadata' | 'files' | 'thread_ts'>,
    via: FakeMessage['via'],
  ): FakeMessage => {
    const m: FakeMessage = {
      channel,
      ts: nextTs(),
      user: ids.botUserId,
      bot_id: ids.botId,
      app_id: ids.appId,
      history: [],
      deleted: false,
      via,
    };
    for (const [k, v] of Object.entries(fields)) {
      if (v !== undefined) (m as unknown as Record<string, unknown>)[k] = v;
    }
    if (m.thread_ts) {
      const parent = findMessage(channel, m.thread_ts);
      if (parent) {
        parent.reply_count = (parent.reply_count ?? 0) + 1;
        parent.thread_ts = parent.ts;
      }
    }
    messageList.push(m);
    return m;
  };

  const updateMessage = (
    m: FakeMessage,
    fields: { text?: string; blocks?: unknown[]; attachments?: unknown[]; metadata?: unknown },
  ): void => {
    m.history.push(clone({ text: m.text, blocks: m.blocks, attachments: m.attachments }));
    if (fields.text !== undefined) m.text = fields.text;
    if (fields.blocks !== undefined) m.blocks = fields.blocks.length ? fields.blocks : undefined;
    if (fields.attachments !== undefined)
      m.attachments = fields.attachments.length ? fields.attachments : undefined;
    if (fields.metadata !== undefined) m.metadata = fields.metadata;
    m.edited = { user: ids.botUserId, ts: nextTs() };
  };

  const channelInfo = (id: string): FakeChannel => {
    const isIm = id.startsWith('D');
    const isGroup = id.startsWith('G');
    const name = id === ids.channelId ? ids.channelName : `channel-${id.toLowerCase()}`;
    return {
      id,
      name,
      name_normalized: name,
      is_channel: !isIm && !isGroup,
      is_group: isGroup,
      is_im: isIm,
      is_mpim: false,
      is_private: isGroup || isIm,
      is_archived: false,
      is_general: false,
      is_member: true,
      is_ext_shared: false,
      created: 1700000000,
      creator: ids.userId,
      topic: { value: '', creator: '', last_set: 0 },
      purpose: { value: '', creator: '', last_set: 0 },
      ...(opts.channels?.[id] ?? {}),
    };
  };

  // ---- Web API methods -----------------------------------------------------------------------
  const builtins: Record<string, MethodHandler> = {
    'api.test': (args) => ({ args }),
    'auth.test': () => ({
      url: `https://${ids.teamDomain}.slack.com/`,
      team: ids.teamDomain,
      user: ids.botName,
      team_id: ids.teamId,
      user_id: ids.botUserId,
      bot_id: ids.botId,
      is_enterprise_install: false,
    }),
    'apps.connections.open': () => {
      const ticket = randomUUID();
      tickets.add(ticket);
      return { url: `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=${ids.appId}` };
    },
    'chat.postMessage': (args) => {
      const channel = str(args.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      const text = str(args.text);
      const blocks = arr(args.blocks);
      const attachments = arr(args.attachments);
      if (!text && !blocks?.length && !attachments?.length) return { ok: false, error: 'no_text' };
      const m = addMessage(
        channel,
        { text, blocks, attachments, metadata: args.metadata, thread_ts: str(args.thread_ts) },
        'chat.postMessage',
      );
      return { channel, ts: m.ts, message: messageJson(m) };
    },
    'chat.update': (args) => {
      const channel = str(args.channel);
      const ts = str(args.ts);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      const m = ts ? findMessage(channel, ts) : undefined;
      if (!m || m.deleted) return { ok: false, error: 'message_not_found' };
      const text = str(args.text);
      const blocks = arr(args.blocks);
      const attachments = arr(args.attachments);
      if (text === undefined && blocks === undefined && attachments === undefined) {
        return { ok: false, error: 'no_text' };
      }
      updateMessage(m, { text, blocks, attachments, metadata: args.metadata });
      return { channel, ts: m.ts, text: m.text ?? '', message: messageJson(m) };
    },
    'chat.delete': (args) => {
      const channel = str(args.channel);
      const ts = str(args.ts);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      const m = ts ? findMessage(channel, ts) : undefined;
      if (!m || m.deleted) return { ok: false, error: 'message_not_found' };
      m.deleted = true;
      return { channel, ts: m.ts };
    },
    'chat.postEphemeral': (args) => {
      const channel = str(args.channel);
      const user = str(args.user);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      if (!user) return { ok: false, error: 'user_not_in_channel' };
      const text = str(args.text);
      const blocks = arr(args.blocks);
      const attachments = arr(args.attachments);
      if (!text && !blocks?.length && !attachments?.length) return { ok: false, error: 'no_text' };
      const message_ts = nextTs();
      ephemeralList.push({
        channel,
        user,
        message_ts,
        thread_ts: str(args.thread_ts),
        text,
        blocks,
        attachments,
        via: 'chat.postEphemeral',
      });
      return { message_ts };
    },
    'conversations.info': (args) => {
      const channel = str(args.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      return { channel: channelInfo(channel) };
    },
    'files.getUploadURLExternal': (args) => {
      const filename = str(args.filename);
      const length = Number(str(args.length));
      if (!filename || !Number.isInteger(length) || length < 0)
        return { ok: false, error: 'invalid_arguments' };
      fileCounter += 1;
      const id = `F${String(fileCounter).padStart(10, '0')}`;
      fileMap.set(id, { id, filename, length, completed: false });
      return { upload_url: `${baseUrl}/upload/v1/${id}`, file_id: id };
    },
    'files.completeUploadExternal': (args) => {
      const list = arr(args.files);
      if (!list?.length) return { ok: false, error: 'invalid_arguments' };
      const infos: FakeFileInfo[] = [];
      const done: FakeFile[] = [];
      for (const entry of list) {
        const e = (entry ?? {}) as Record<string, unknown>;
        const f = fileMap.get(str(e.id) ?? '');
        if (!f || f.content === undefined) return { ok: false, error: 'file_not_found' };
        f.title = str(e.title) ?? f.title ?? f.filename;
        done.push(f);
        infos.push({
          id: f.id,
          name: f.filename,
          title: f.title,
          ...guessFiletype(f.filename),
          size: f.content.length,
        });
      }
      const channel = str(args.channel_id);
      const thread_ts = str(args.thread_ts);
      const initial_comment = str(args.initial_comment);
      let shareTs: string | undefined;
      if (channel) {
        const m = addMessage(
          channel,
          { text: initial_comment ?? '', blocks: arr(args.blocks), files: infos, thread_ts },
          'files.completeUploadExternal',
        );
        shareTs = m.ts;
      }
      for (const f of done) {
        f.completed = true;
        f.channel = channel;
        f.thread_ts = thread_ts;
        f.initial_comment = initial_comment;
        f.message_ts = shareTs;
      }
      return {
        files: infos.map((i) => ({
          ...i,
          created: 1700000000,
          timestamp: 1700000000,
          user: ids.botUserId,
          url_private: `${baseUrl}/files-pri/${ids.teamId}-${i.id}/${encodeURIComponent(i.name)}`,
          permalink: `https://${ids.teamDomain}.slack.com/files/${ids.botUserId}/${i.id}/${encodeURIComponent(i.name)}`,
        })),
      };
    },
    // https://api.slack.com/methods/usergroups.users.list: {"ok": true, "users": ["U060R4BJ4", "W123A4BC5"]}
    'usergroups.users.list': (args) => {
      const group = str(args.usergroup);
      if (!group) return { ok: false, error: 'invalid_arguments' };
      const users = userGroups.get(group);
      return users ? { users: [...users] } : { ok: false, error: 'no_such_subteam' };
    },
    'views.publish': (args) => {
      const userId = str(args.user_id);
      const view = args.view;
      if (!userId) return { ok: false, error: 'user_not_found' };
      if (!view || typeof view !== 'object') return { ok: false, error: 'invalid_arguments' };
      viewCounter += 1;
      homeViews.set(userId, view);
      return {
        view: {
          id: `V${String(viewCounter).padStart(10, '0')}`,
          team_id: ids.teamId,
          app_id: ids.appId,
          bot_id: ids.botId,
          hash: `${Date.now()}.${viewCounter}`,
          ...(view as Record<string, unknown>),
        },
      };
    },
  };

  // ---- request handling ----------------------------------------------------------------------
  const send = (res: ServerResponse, reply: HttpReply): void => {
    if (res.writableEnded || res.destroyed) return;
    const isText = typeof reply.body === 'string';
    const text = isText ? (reply.body as string) : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
      ...reply.headers,
    });
    res.end(text);
  };

  /** Turn an injected failure into a reply (undefined = hang). */
  const failureReply = (f: FailureSpec): { reply?: HttpReply; error: string } => {
    if ('hang' in f) return { error: 'hang' };
    if ('error' in f)
      return { reply: new HttpReply(200, { ok: false, error: f.error, ...(f.extra ?? {}) }), error: f.error };
    if (f.status === 429) {
      return {
        reply: new HttpReply(429, f.body ?? { ok: false, error: 'ratelimited' }, {
          'retry-after': String(f.retryAfter ?? 1),
        }),
        error: 'ratelimited',
      };
    }
    return {
      reply: new HttpReply(f.status, f.body ?? { ok: false, error: 'internal_error' }),
      error: `http_${f.status}`,
    };
  };

  /** Common path for every recorded endpoint: failure injection, recording, answering. */
  const answer = async (
    res: ServerResponse,
    base: Omit<RecordedCall, 'status' | 'ok' | 'error' | 'injected' | 'at'> & { at: number },
    produce: () => Promise<HttpReply> | HttpReply,
  ): Promise<void> => {
    const failure = takeFailure(base.method);
    if (failure) {
      const { reply, error } = failureReply(failure);
      record({ ...base, status: reply?.status ?? 0, ok: false, error, injected: failure });
      if (reply) send(res, reply);
      else hanging.add(res);
      return;
    }
    let reply: HttpReply;
    try {
      reply = await produce();
    } catch (e) {
      reply = new HttpReply(500, { ok: false, error: 'fake_slack_exception', detail: String(e) });
    }
    const body = typeof reply.body === 'string' ? undefined : reply.body;
    const ok = reply.status === 200 && (body ? body.ok !== false : true);
    const error = body && typeof body.error === 'string' ? body.error : undefined;
    record({ ...base, status: reply.status, ok, ...(error === undefined ? {} : { error }) });
    send(res, reply);
  };

  const tokenOf = (req: IncomingMessage, fields: Record<string, unknown>): string | undefined => {
    const bodyToken = str(fields.token);
    if (bodyToken) return bodyToken;
    const auth = req.headers.authorization;
    const m = auth ? /^Bearer\s+(.+)$/i.exec(auth) : null;
    return m?.[1]?.trim() || undefined;
  };

  const handleApi = async (
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    url: URL,
  ): Promise<void> => {
    const at = Date.now();
    const raw = await readBody(req);
    let parsed: ParsedBody;
    try {
      parsed = parseBody(raw, req.headers['content-type'], url.searchParams);
    } catch {
      record({ method, args: {}, at, status: 200, ok: false, error: 'invalid_json' });
      send(res, new HttpReply(200, { ok: false, error: 'invalid_json' }));
      return;
    }
    const token = tokenOf(req, parsed.fields);
    const { token: _dropped, ...fields } = parsed.fields;
    const args = decodeArgs(fields);
    await answer(res, { method, args, at, token }, async () => {
      const handler = handlers.get(method) ?? builtins[method];
      if (!handler) return new HttpReply(200, { ok: false, error: 'unknown_method', req_method: method });
      if (!token) return new HttpReply(200, { ok: false, error: 'not_authed' });
      const wanted = APP_TOKEN_METHODS.has(method) ? appToken : botToken;
      if (token !== wanted) return new HttpReply(200, { ok: false, error: 'invalid_auth' });
      const out = await handler(args, { token, fake });
      return new HttpReply(
        200,
        { ok: true, ...out },
        opts.scopes ? { 'x-oauth-scopes': opts.scopes.join(',') } : {},
      );
    });
  };

  const handleUpload = async (req: IncomingMessage, res: ServerResponse, fileId: string, path: string) => {
    const at = Date.now();
    const raw = await readBody(req);
    const ct = req.headers['content-type'] ?? '';
    let content = raw;
    if (ct.toLowerCase().startsWith('multipart/form-data')) {
      const parts = parseMultipart(raw, ct);
      const part = parts.fileParts[0];
      content = part ? part.data : Buffer.from(String(Object.values(parts.fields)[0] ?? ''), 'utf8');
    }
    await answer(
      res,
      { method: 'file_upload', args: { file_id: fileId, size: content.length }, at, path },
      () => {
        const f = fileMap.get(fileId);
        if (!f) return new HttpReply(404, 'file not found');
        f.content = Buffer.from(content);
        return new HttpReply(200, `OK - ${content.length}`);
      },
    );
  };

  const handleResponseUrl = async (req: IncomingMessage, res: ServerResponse, id: string, path: string) => {
    const at = Date.now();
    const raw = await readBody(req);
    let args: Record<string, unknown> = {};
    try {
      const fields = parseBody(
        raw,
        req.headers['content-type'] ?? 'application/json',
        new URLSearchParams(),
      ).fields;
      // Slack also accepts `payload=<json>` form posts to response URLs
      args = typeof fields.payload === 'string' ? JSON.parse(fields.payload) : decodeArgs(fields);
    } catch {
      record({
        method: 'response_url',
        args: {},
        at,
        path,
        status: 400,
        ok: false,
        error: 'invalid_payload',
      });
      send(res, new HttpReply(400, 'invalid_payload'));
      return;
    }
    await answer(res, { method: 'response_url', args, at, path }, () => {
      const ctx = responseUrls.get(id) ?? {};
      const text = str(args.text);
      const blocks = arr(args.blocks);
      const attachments = arr(args.attachments);
      const original = ctx.channel && ctx.messageTs ? findMessage(ctx.channel, ctx.messageTs) : undefined;
      if (isTrue(args.delete_original)) {
        if (original) original.deleted = true;
        return new HttpReply(200, { ok: true });
      }
      if (isTrue(args.replace_original) && original && !original.deleted) {
        updateMessage(original, { text, blocks, attachments });
        return new HttpReply(200, { ok: true });
      }
      if (!text && !blocks?.length && !attachments?.length)
        return new HttpReply(200, { ok: false, error: 'no_text' });
      if (args.response_type === 'in_channel' && ctx.channel) {
        addMessage(
          ctx.channel,
          { text, blocks, attachments, thread_ts: str(args.thread_ts) },
          'response_url',
        );
      } else {
        ephemeralList.push({
          channel: ctx.channel ?? '',
          user: ctx.user,
          message_ts: nextTs(),
          thread_ts: str(args.thread_ts),
          text,
          blocks,
          attachments,
          via: 'response_url',
        });
      }
      return new HttpReply(200, { ok: true });
    });
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const run = async (): Promise<void> => {
      const api = /^\/api\/([A-Za-z0-9_.]+)$/.exec(path);
      if (api?.[1] && (req.method === 'POST' || req.method === 'GET'))
        return handleApi(req, res, api[1], url);
      const upload = /^\/upload\/v1\/([A-Za-z0-9]+)$/.exec(path);
      if (upload?.[1] && req.method === 'POST') return handleUpload(req, res, upload[1], path);
      const respUrl = /^\/response_url\/(.+)$/.exec(path);
      if (respUrl?.[1] && req.method === 'POST') return handleResponseUrl(req, res, respUrl[1], path);
      await readBody(req);
      send(res, new HttpReply(404, { ok: false, error: 'not_found', path }));
    };
    run().catch((e: unknown) => {
      send(res, new HttpReply(500, { ok: false, error: 'fake_slack_exception', detail: String(e) }));
    });
  });

  // ---- Socket Mode ---------------------------------------------------------------------------
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

  const openSockets = (): WebSocket[] => sockets.filter((s) => s.readyState === WebSocket.OPEN);

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/link/' || !tickets.has(ticket) || closed) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    tickets.delete(ticket); // single use, like Slack's
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.push(ws);
      ws.on('close', () => {
        const i = sockets.indexOf(ws);
        if (i !== -1) sockets.splice(i, 1);
      });
      ws.on('error', () => {
        /* the client vanished; close handler cleans up */
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        let msg: unknown;
        try {
          msg = JSON.parse(data.toString());
        } catch {
          return;
        }
        if (!msg || typeof msg !== 'object') return;
        const m = msg as Record<string, unknown>;
        const envelopeId = str(m.envelope_id);
        if (!envelopeId) return;
        record({
          method: 'socket_ack',
          args: { envelope_id: envelopeId, payload: m.payload },
          at: Date.now(),
          status: 200,
          ok: true,
        });
        const pending = pendingAcks.get(envelopeId);
        if (pending) {
          pendingAcks.delete(envelopeId);
          if (pending.timer) clearTimeout(pending.timer);
          pending.resolve(m.payload);
        }
      });
      const hello = {
        type: 'hello',
        num_connections: openSockets().length,
        debug_info: { host: 'applink-fake-1', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: ids.appId },
      };
      ws.send(JSON.stringify(hello), () => {
        for (const w of [...connectWaiters]) {
          connectWaiters.delete(w);
          clearTimeout(w.timer);
          w.resolve();
        }
      });
    });
  });

  const responseUrl = (ctx: ResponseUrlContext = {}): string => {
    const id = `${ids.teamId}/${responseUrls.size + 1}/${randomUUID().replace(/-/g, '')}`;
    responseUrls.set(id, ctx);
    return `${baseUrl}/response_url/${id}`;
  };

  const pushEnvelope: FakeSlack['pushEnvelope'] = (type, payload, o = {}) => {
    const ws = openSockets().at(-1);
    if (!ws)
      return Promise.reject(new Error(`fake-slack: no open Socket Mode connection to push '${type}' on`));
    const envelopeId = randomUUID();
    const envelope: Record<string, unknown> = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: o.acceptsResponsePayload ?? false,
    };
    if (o.retryAttempt !== undefined) envelope.retry_attempt = o.retryAttempt;
    if (o.retryReason !== undefined) envelope.retry_reason = o.retryReason;
    const timeoutMs = o.timeoutMs ?? ackTimeoutMs;
    const awaitAck = o.awaitAck ?? true;
    return new Promise<PushResult>((resolve, reject) => {
      if (awaitAck) {
        const timer = setTimeout(() => {
          pendingAcks.delete(envelopeId);
          reject(new Error(`fake-slack: no ack for ${type} envelope ${envelopeId} within ${timeoutMs}ms`));
        }, timeoutMs);
        pendingAcks.set(envelopeId, {
          resolve: (ackPayload) => resolve({ envelopeId, payload, ackPayload }),
          reject,
          timer,
        });
      }
      ws.send(JSON.stringify(envelope), (err) => {
        if (err) {
          const p = pendingAcks.get(envelopeId);
          if (p?.timer) clearTimeout(p.timer);
          pendingAcks.delete(envelopeId);
          reject(err);
        } else if (!awaitAck) {
          resolve({ envelopeId, payload });
        }
      });
    });
  };

  // ---- start listening -------------------------------------------------------------------------
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;

  const fake: FakeSlack = {
    apiUrl: `${baseUrl}/api/`,
    baseUrl,
    port,
    botToken,
    appToken,
    teamId: ids.teamId,
    botUserId: ids.botUserId,
    botId: ids.botId,
    appId: ids.appId,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    messages: (channel, o = {}) =>
      clone(
        messageList.filter(
          (m) => (channel === undefined || m.channel === channel) && (o.includeDeleted || !m.deleted),
        ),
      ),
    message: (channel, ts) => {
      const m = findMessage(channel, ts);
      return m ? clone(m) : undefined;
    },
    thread: (channel, threadTs) =>
      clone(
        messageList.filter(
          (m) => m.channel === channel && m.thread_ts === threadTs && m.ts !== threadTs && !m.deleted,
        ),
      ),
    ephemerals: (channel) =>
      clone(ephemeralList.filter((e) => channel === undefined || e.channel === channel)),
    files: () =>
      [...fileMap.values()].map((f) => ({ ...f, content: f.content ? Buffer.from(f.content) : undefined })),
    homeView: (userId) => clone(homeViews.get(userId)),
    setUserGroup: (groupId, users) => void userGroups.set(groupId, [...users]),

    waitFor: (match, timeoutMs = 3000) =>
      fake.waitForCount(match, 1, timeoutMs).then((c) => c[0] as RecordedCall),
    waitForCount: (match, count, timeoutMs = 3000) => {
      const fn = matcherOf(match);
      const already = calls.filter(fn);
      if (already.length >= count) return Promise.resolve(already.slice(0, count));
      return new Promise<RecordedCall[]>((resolve, reject) => {
        const w: Waiter = { match: fn, count, resolve };
        waiters.add(w);
        const timer = setTimeout(() => {
          waiters.delete(w);
          waiterTimers.delete(w);
          const seen = calls.map((c) => `${c.method}${c.ok ? '' : `(${c.error ?? c.status})`}`).join(', ');
          const what = typeof match === 'string' ? `'${match}'` : 'predicate';
          reject(
            new Error(
              `fake-slack: waited ${timeoutMs}ms for ${count} call(s) matching ${what}, got ${calls.filter(fn).length}. Calls: [${seen}]`,
            ),
          );
        }, timeoutMs);
        waiterTimers.set(w, { timer, reject });
      });
    },
    reset: () => {
      calls.length = 0;
      messageList = [];
      ephemeralList = [];
      fileMap = new Map();
      homeViews = new Map();
      failures = new Map();
    },
    failNext: (method, failure, times = 1) => {
      const queue = failures.get(method) ?? [];
      for (let i = 0; i < times; i += 1) queue.push(failure);
      failures.set(method, queue);
    },
    handle: (method, handler) => {
      handlers.set(method, handler);
    },
    responseUrl,

    socketConnected: (timeoutMs = 5000) => {
      if (openSockets().length > 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const w = {
          resolve,
          reject,
          timer: setTimeout(() => {
            connectWaiters.delete(w);
            reject(new Error(`fake-slack: no Socket Mode connection within ${timeoutMs}ms`));
          }, timeoutMs),
        };
        connectWaiters.add(w);
      });
    },
    socketsClosed: (timeoutMs = 5000) =>
      new Promise<void>((resolve, reject) => {
        const started = Date.now();
        const tick = (): void => {
          if (sockets.length === 0) {
            resolve();
          } else if (Date.now() - started > timeoutMs) {
            reject(new Error(`fake-slack: ${sockets.length} socket(s) still open after ${timeoutMs}ms`));
          } else {
            setTimeout(tick, 10);
          }
        };
        tick();
      }),
    socketCount: () => openSockets().length,
    pushEnvelope,
    pushSlashCommand: (payload = {}, o = {}) => {
      const channel = payload.channel_id ?? ids.channelId;
      const user = payload.user_id ?? ids.userId;
      const fields = slashCommandFields({
        ...payload,
        response_url: payload.response_url ?? responseUrl({ channel, user }),
      });
      return pushEnvelope('slash_commands', { ...fields }, { ...o, acceptsResponsePayload: true });
    },
    pushInteraction: (payload, o = {}) => {
      let full: Record<string, unknown>;
      if (isFullPayload(payload)) {
        full = payload;
      } else {
        const input = payload;
        const channel = input.channel_id ?? ids.channelId;
        full = blockActionsPayload({
          ...input,
          response_url:
            input.response_url ??
            responseUrl({ channel, messageTs: input.message_ts, user: input.user_id ?? ids.userId }),
        });
      }
      return pushEnvelope('interactive', full, { ...o, acceptsResponsePayload: false });
    },
    sendDisconnect: (reason = 'refresh_requested') => {
      for (const ws of openSockets()) {
        ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-fake-1' } }));
      }
    },
    dropSockets: () => {
      for (const ws of [...sockets]) ws.terminate();
    },

    close: async () => {
      if (closed) return;
      closed = true;
      const err = new Error('fake-slack: closed');
      for (const [id, p] of pendingAcks) {
        if (p.timer) clearTimeout(p.timer);
        pendingAcks.delete(id);
        p.reject(err);
      }
      for (const w of connectWaiters) {
        clearTimeout(w.timer);
        w.reject(err);
      }
      connectWaiters.clear();
      for (const [w, t] of waiterTimers) {
        clearTimeout(t.timer);
        t.reject(err);
        waiters.delete(w);
      }
      waiterTimers.clear();
      for (const ws of [...sockets]) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const res of hanging) res.destroy();
      hanging.clear();
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closing;
    },
  };

  return fake;
}
