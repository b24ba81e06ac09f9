import type { AddressInfo } from 'node:net';
import { App, LogLevel, SocketModeReceiver, webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from './fake-slack.js';
import {
  blockActionsPayload,
  postInteraction,
  postSlashCommand,
  SLACK_IDS,
  signRequest,
  slashCommandBody,
} from './slack-request.js';
import { createTestLogger } from './test-logger.js';

const TS_RE = /^\d{10}\.\d{6}$/;

/** A WebClient from Bolt's re-export, pointed at the fake, with fast retries unless told otherwise. */
function client(fake: FakeSlack, opts: webApi.WebClientOptions = {}, token: string = fake.botToken) {
  return new webApi.WebClient(token, {
    slackApiUrl: fake.apiUrl,
    logger: createTestLogger(LogLevel.ERROR),
    retryConfig: { retries: 3, factor: 1, minTimeout: 10, maxTimeout: 20 },
    ...opts,
  });
}

describe('fake Slack Web API, driven by the real WebClient', () => {
  let fake: FakeSlack;
  beforeEach(async () => {
    fake = await startFakeSlack();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('serves auth.test with the identity Bolt needs', async () => {
    const res = await client(fake).auth.test();
    expect(res).toMatchObject({
      ok: true,
      user_id: fake.botUserId,
      bot_id: fake.botId,
      team_id: fake.teamId,
    });
    expect(fake.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    expect(fake.calls[0]).toMatchObject({ method: 'auth.test', token: fake.botToken, ok: true, status: 200 });
  });

  it('posts, updates and threads messages, with blocks parsed back to objects', async () => {
    const web = client(fake);
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*ntp* status: running' } }];
    const first = await web.chat.postMessage({ channel: 'C0000LAB', text: 'ntp: running', blocks });
    expect(first.ok).toBe(true);
    expect(first.channel).toBe('C0000LAB');
    expect(first.ts).toMatch(TS_RE);
    expect(first.message).toMatchObject({ text: 'ntp: running', bot_id: fake.botId, blocks });
    const parentTs = first.ts as string;

    const second = await web.chat.postMessage({ channel: 'C0000LAB', text: 'other' });
    expect(Number(second.ts)).toBeGreaterThan(Number(parentTs));

    const upd = await web.chat.update({ channel: 'C0000LAB', ts: parentTs, text: 'ntp: done', blocks: [] });
    expect(upd).toMatchObject({ ok: true, ts: parentTs, text: 'ntp: done' });
    const reply = await web.chat.postMessage({ channel: 'C0000LAB', thread_ts: parentTs, text: 'host-1 ok' });
    expect(reply.message?.thread_ts).toBe(parentTs);

    const call = fake.callsTo('chat.postMessage')[0];
    expect(call?.args.blocks).toEqual(blocks);
    expect(call?.args.channel).toBe('C0000LAB');
    expect(call?.args).not.toHaveProperty('token');

    const msgs = fake.messages('C0000LAB');
    expect(msgs.map((m) => m.text)).toEqual(['ntp: done', 'other', 'host-1 ok']);
    const parent = fake.message('C0000LAB', parentTs);
    expect(parent).toMatchObject({ text: 'ntp: done', reply_count: 1, thread_ts: parentTs });
    expect(parent?.blocks).toBeUndefined(); // blocks: [] cleared them
    expect(parent?.history).toEqual([{ text: 'ntp: running', blocks }]);
    expect(fake.thread('C0000LAB', parentTs).map((m) => m.text)).toEqual(['host-1 ok']);

    await expect(web.chat.update({ channel: 'C0000LAB', ts: '1.000000', text: 'x' })).rejects.toMatchObject({
      data: { ok: false, error: 'message_not_found' },
    });
    await expect(web.chat.postMessage({ channel: 'C0000LAB', text: '' })).rejects.toMatchObject({
      data: { error: 'no_text' },
    });
  });

  it('uploads a file into a thread through the files.uploadV2 flow', async () => {
    const web = client(fake);
    const parent = await web.chat.postMessage({ channel: 'C0000LAB', text: 'job 1' });
    const res = await web.filesUploadV2({
      channel_id: 'C0000LAB',
      thread_ts: parent.ts as string,
      content: 'host-1: offset 0.001s\nhost-2: offset 0.002s\n',
      filename: 'ntp-report.txt',
      title: 'NTP report',
      initial_comment: 'full report',
    });
    expect(res.ok).toBe(true);

    expect(fake.calls.map((c) => c.method)).toEqual([
      'chat.postMessage',
      'files.getUploadURLExternal',
      'file_upload',
      'files.completeUploadExternal',
    ]);
    expect(fake.callsTo('files.getUploadURLExternal')[0]?.args).toMatchObject({
      filename: 'ntp-report.txt',
      length: '44',
    });
    expect(fake.callsTo('files.completeUploadExternal')[0]?.args).toMatchObject({
      channel_id: 'C0000LAB',
      thread_ts: parent.ts,
      initial_comment: 'full report',
      files: [{ id: expect.stringMatching(/^F/), title: 'NTP report' }],
    });

    const [file] = fake.files();
    expect(file?.content?.toString('utf8')).toBe('host-1: offset 0.001s\nhost-2: offset 0.002s\n');
    expect(file).toMatchObject({ filename: 'ntp-report.txt', completed: true, thread_ts: parent.ts });

    const binary = Buffer.from([0x1f, 0x8b, 0x0d, 0x0a, 0x2d, 0x2d, 0x00, 0xff, 0x0d, 0x0a]);
    await web.filesUploadV2({ channel_id: 'C0000LAB', file: binary, filename: 'raw.bin' });
    expect(fake.files()[1]?.content?.equals(binary)).toBe(true);

    const shared = fake.thread('C0000LAB', parent.ts as string);
    expect(shared).toHaveLength(1);
    expect(shared[0]).toMatchObject({ text: 'full report', files: [{ name: 'ntp-report.txt', size: 44 }] });
  });

  it('implements postEphemeral, delete, conversations.info and views.publish', async () => {
    const web = client(fake);
    const eph = await web.chat.postEphemeral({ channel: 'C0000LAB', user: 'U0000USER', text: 'only you' });
    expect(eph.message_ts).toMatch(TS_RE);
    expect(fake.ephemerals('C0000LAB')).toMatchObject([{ user: 'U0000USER', text: 'only you' }]);
    expect(fake.messages()).toEqual([]);

    const posted = await web.chat.postMessage({ channel: 'C0000LAB', text: 'bye' });
    await web.chat.delete({ channel: 'C0000LAB', ts: posted.ts as string });
    expect(fake.messages('C0000LAB')).toEqual([]);
    expect(fake.messages('C0000LAB', { includeDeleted: true })[0]?.deleted).toBe(true);

    const info = await web.conversations.info({ channel: 'C0000LAB' });
    expect(info.channel).toMatchObject({ id: 'C0000LAB', name: SLACK_IDS.channelName, is_member: true });

    const view = {
      type: 'home' as const,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Labs' } }],
    };
    const pub = await web.views.publish({ user_id: 'U0000USER', view });
    expect(pub.view?.id).toMatch(/^V/);
    expect(fake.homeView('U0000USER')).toEqual(view);
  });

  it('rejects unknown methods and wrong tokens like Slack', async () => {
    await expect(client(fake).apiCall('labs.frobnicate')).rejects.toMatchObject({
      data: { ok: false, error: 'unknown_method' },
    });
    await expect(
      client(fake, {}, 'xoxb-wrong').chat.postMessage({ channel: 'C1', text: 'x' }),
    ).rejects.toMatchObject({
      data: { error: 'invalid_auth' },
    });
    // the bot token cannot open a socket-mode connection, the app token cannot post
    await expect(client(fake).apps.connections.open()).rejects.toMatchObject({
      data: { error: 'invalid_auth' },
    });
    await expect(client(fake, {}, fake.appToken).auth.test()).rejects.toMatchObject({
      data: { error: 'invalid_auth' },
    });
    await expect(client(fake, {}, '').auth.test()).rejects.toMatchObject({ data: { error: 'not_authed' } });
    const open = await client(fake, {}, fake.appToken).apps.connections.open();
    expect(open.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=/);
  });

  it('a 429 with Retry-After is waited out and retried by WebClient', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const started = Date.now();
    const res = await client(fake).chat.postMessage({ channel: 'C0000LAB', text: 'after the storm' });
    expect(res.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const attempts = fake.callsTo('chat.postMessage');
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(attempts[0]).toMatchObject({ ok: false, error: 'ratelimited', injected: { status: 429 } });
    expect(fake.messages()).toHaveLength(1);
  });

  it('a 500 and a hung request are retried; { error } fails the call', async () => {
    fake.failNext('chat.update', { status: 500 });
    fake.failNext('chat.postMessage', { hang: true });
    const web = client(fake, { timeout: 300 });
    const posted = await web.chat.postMessage({ channel: 'C0000LAB', text: 'x' });
    expect(fake.callsTo('chat.postMessage').map((c) => c.status)).toEqual([0, 200]);
    await web.chat.update({ channel: 'C0000LAB', ts: posted.ts as string, text: 'y' });
    expect(fake.callsTo('chat.update').map((c) => c.status)).toEqual([500, 200]);

    fake.failNext('conversations.info', { error: 'channel_not_found' });
    await expect(web.conversations.info({ channel: 'C404' })).rejects.toMatchObject({
      data: { ok: false, error: 'channel_not_found' },
    });
    // once only
    await expect(web.conversations.info({ channel: 'C404' })).resolves.toMatchObject({ ok: true });
  });

  it('waitFor sees past and future calls and times out with a useful message', async () => {
    const web = client(fake);
    await web.auth.test();
    await expect(fake.waitFor('auth.test')).resolves.toMatchObject({ method: 'auth.test' });
    const later = fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.text === 'late', 2000);
    setTimeout(() => void web.chat.postMessage({ channel: 'C1', text: 'late' }), 50);
    await expect(later).resolves.toMatchObject({ args: { channel: 'C1', text: 'late' } });
    await expect(fake.waitFor('views.publish', 50)).rejects.toThrow(
      /views\.publish.*auth\.test, chat\.postMessage/,
    );
    fake.reset();
    expect(fake.calls).toEqual([]);
    expect(fake.messages()).toEqual([]);
  });

  it('custom handlers add methods', async () => {
    fake.handle('users.info', (args) => ({ user: { id: args.user, name: 'alice', tz: 'Europe/Oslo' } }));
    const res = await client(fake).users.info({ user: 'U0000USER' });
    expect(res.user).toMatchObject({ id: 'U0000USER', tz: 'Europe/Oslo' });
  });

  it('accepts JSON posts to minted response URLs and applies response_type / replace_original', async () => {
    const web = client(fake);
    const posted = await web.chat.postMessage({ channel: 'C0000LAB', text: 'pick one' });
    const url = fake.responseUrl({ channel: 'C0000LAB', messageTs: posted.ts as string, user: 'U0000USER' });
    const post = (body: unknown) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ text: 'just you' })).status).toBe(200);
    expect((await post({ response_type: 'in_channel', text: 'everyone' })).status).toBe(200);
    expect((await post({ replace_original: true, text: 'picked' })).status).toBe(200);
    expect(fake.callsTo('response_url').map((c) => c.args.text)).toEqual(['just you', 'everyone', 'picked']);
    expect(fake.ephemerals('C0000LAB')).toMatchObject([
      { text: 'just you', user: 'U0000USER', via: 'response_url' },
    ]);
    expect(fake.messages('C0000LAB').map((m) => m.text)).toEqual(['picked', 'everyone']);
  });
});

describe('Bolt App in Socket Mode against the fake', () => {
  let fake: FakeSlack;
  let app: App | undefined;
  const logger = createTestLogger();

  beforeEach(async () => {
    fake = await startFakeSlack();
  });
  afterEach(async () => {
    // Stop the app BEFORE closing the fake: if the fake drops the socket first, the socket-mode
    // client schedules a reconnect that fails against the closed server (unhandled rejection).
    await app?.stop();
    await fake.socketsClosed();
    app = undefined;
    await fake.close();
  });

  it('connects over the WebSocket, receives /lab, acks with a payload and responds', async () => {
    app = new App({
      token: fake.botToken,
      appToken: fake.appToken,
      socketMode: true,
      clientOptions: { slackApiUrl: fake.apiUrl },
      logger,
    });
    app.command('/lab', async ({ command, ack, respond }) => {
      await ack({ response_type: 'ephemeral', text: `on it: ${command.text}` });
      await respond({ response_type: 'in_channel', text: `done: ${command.text}` });
    });
    await app.start(); // resolves when the client got `hello`
    await fake.socketConnected();
    expect(fake.socketCount()).toBe(1);
    expect(fake.callsTo('apps.connections.open')[0]).toMatchObject({ token: fake.appToken, ok: true });

    const { ackPayload, payload } = await fake.pushSlashCommand({ text: 'ntp status' });
    expect(ackPayload).toEqual({ response_type: 'ephemeral', text: 'on it: ntp status' });
    expect(payload).toMatchObject({ command: '/lab', response_url: expect.stringContaining(fake.baseUrl) });

    const responded = await fake.waitFor('response_url');
    expect(responded.args).toEqual({ response_type: 'in_channel', text: 'done: ntp status' });
    expect(fake.messages(SLACK_IDS.channelId).map((m) => m.text)).toEqual(['done: ntp status']);
    // Bolt verified the bot token at construction
    expect(fake.callsTo('auth.test')).toHaveLength(1);
  });

  it('a bare ack() arrives as an empty payload object', async () => {
    app = new App({
      token: fake.botToken,
      appToken: fake.appToken,
      socketMode: true,
      clientOptions: { slackApiUrl: fake.apiUrl },
      logger,
    });
    app.command('/lab', async ({ ack }) => {
      await ack();
    });
    await app.start();
    const { ackPayload } = await fake.pushSlashCommand({ text: '' });
    expect(ackPayload).toEqual({});
  });

  it('delivers block_actions; the listener client calls the Web API with team_id added', async () => {
    const web = client(fake);
    const posted = await web.chat.postMessage({ channel: 'C0000LAB', text: 'restart chronyd?' });
    app = new App({
      token: fake.botToken,
      appToken: fake.appToken,
      socketMode: true,
      clientOptions: { slackApiUrl: fake.apiUrl },
      logger,
    });
    app.action('restart', async ({ ack, body, client: listenerClient, action }) => {
      await ack();
      if (body.type !== 'block_actions' || !body.channel || !body.message) return;
      const value = 'value' in action ? action.value : undefined;
      await listenerClient.chat.update({
        channel: body.channel.id,
        ts: body.message.ts,
        text: `restarting ${value}`,
      });
    });
    await app.start();
    const { ackPayload } = await fake.pushInteraction({
      actions: [{ action_id: 'restart', value: 'host-1' }],
      message_ts: posted.ts as string,
    });
    expect(ackPayload).toEqual({});
    const update = await fake.waitFor('chat.update');
    expect(update.args).toMatchObject({ channel: 'C0000LAB', ts: posted.ts, team_id: SLACK_IDS.teamId });
    expect(fake.message('C0000LAB', posted.ts as string)?.text).toBe('restarting host-1');
  });

  it('pushing with no ack times out, and a Slack disconnect makes the client reconnect', async () => {
    // App has no clientPingTimeout option; the reconnect delay is clientPingTimeout * failures
    // (5 s by default), so use a SocketModeReceiver directly to keep this fast.
    const receiver = new SocketModeReceiver({
      appToken: fake.appToken,
      clientPingTimeout: 500,
      installerOptions: { clientOptions: { slackApiUrl: fake.apiUrl } },
      logger,
    });
    app = new App({ token: fake.botToken, receiver, clientOptions: { slackApiUrl: fake.apiUrl }, logger });
    app.command('/lab', async ({ command, ack }) => {
      if (command.text !== 'silent') await ack(`pong ${command.text}`);
    });
    await app.start();
    await expect(fake.pushSlashCommand({ text: 'silent' }, { timeoutMs: 200 })).rejects.toThrow(/no ack/);

    fake.sendDisconnect('refresh_requested');
    await fake.waitForCount('apps.connections.open', 2, 5000);
    await fake.socketConnected();
    expect(fake.socketCount()).toBe(1);
    // socketConnected() only means `hello` was written; a round trip proves the client took it
    // (stopping the app while its reconnecting start() is still pending rejects it unhandled).
    await expect(fake.pushSlashCommand({ text: 'again' })).resolves.toMatchObject({
      ackPayload: { text: 'pong again' },
    });
  });
});

describe('Bolt App over HTTP (HTTPReceiver) against slack-request helpers', () => {
  const secret = 'test-signing-secret';
  let fake: FakeSlack;
  let app: App;
  let endpoint: string;

  beforeEach(async () => {
    fake = await startFakeSlack();
    app = new App({
      token: fake.botToken,
      signingSecret: secret,
      clientOptions: { slackApiUrl: fake.apiUrl },
      logger: createTestLogger(),
    });
    app.command('/lab', async ({ command, ack, respond }) => {
      await ack(`ok: ${command.text}`);
      await respond({ text: `later: ${command.text}` });
    });
    app.action('approve', async ({ ack, respond }) => {
      await ack();
      await respond({ replace_original: true, text: 'approved' });
    });
    const server = await app.start({ port: 0, host: '127.0.0.1' });
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    await fake.waitFor('auth.test'); // fired by the App constructor; let it settle
  });
  afterEach(async () => {
    await app.stop();
    await fake.close();
  });

  it('signRequest matches Slack’s documented v0 scheme', () => {
    const body = slashCommandBody({ text: 'a b&c' });
    expect(body).toContain('command=%2Flab');
    expect(body).toContain('text=a+b%26c');
    const h = signRequest('8f742231b10e8888abcd99yyyzzz85a5', 'x=1', 1531420618);
    expect(h['x-slack-request-timestamp']).toBe('1531420618');
    expect(h['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
  });

  it('accepts a correctly signed slash command and returns the ack body', async () => {
    const res = await postSlashCommand(endpoint, secret, {
      text: 'ntp status',
      response_url: fake.responseUrl({ channel: 'C0000LAB', user: 'U0000USER' }),
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe('ok: ntp status');
    const responded = await fake.waitFor('response_url');
    expect(responded.args).toEqual({ text: 'later: ntp status' });
    expect(fake.ephemerals()).toMatchObject([{ text: 'later: ntp status', user: 'U0000USER' }]);
  });

  it('rejects a badly signed request with 401', async () => {
    const res = await postSlashCommand(endpoint, secret, { text: 'x' }, { badSignature: true });
    expect(res.status).toBe(401);
    expect(fake.callsTo('response_url')).toEqual([]);
  });

  it('rejects a stale request (timestamp 10 minutes old) with 401', async () => {
    const res = await postSlashCommand(
      endpoint,
      secret,
      { text: 'x' },
      { timestamp: Math.floor(Date.now() / 1000) - 600 },
    );
    expect(res.status).toBe(401);
  });

  it('rejects an unsigned request with 401', async () => {
    const res = await postSlashCommand(endpoint, secret, { text: 'x' }, { unsigned: true });
    expect(res.status).toBe(401);
  });

  it('delivers a signed block_actions interaction', async () => {
    const web = client(fake);
    const posted = await web.chat.postMessage({ channel: 'C0000LAB', text: 'approve?' });
    const url = fake.responseUrl({ channel: 'C0000LAB', messageTs: posted.ts as string });
    const res = await postInteraction(
      endpoint,
      secret,
      blockActionsPayload({
        actions: [{ action_id: 'approve' }],
        message_ts: posted.ts as string,
        response_url: url,
      }),
    );
    expect(res.status).toBe(200);
    await fake.waitFor('response_url');
    expect(fake.message('C0000LAB', posted.ts as string)?.text).toBe('approved');
  });
});
