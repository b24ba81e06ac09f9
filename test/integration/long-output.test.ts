import type { KnownBlock } from '@slack/types';
import { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withLongOutput } from '../../src/chat/long-output-sink.js';
import { createSlackFileSink } from '../../src/chat/slack-file-sink.js';
import { createSlackSink } from '../../src/chat/slack-sink.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';

const CHANNEL = 'C0000LAB';
const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('long output against the fake Slack Web API', () => {
  let fake: FakeSlack;
  let chat: ReturnType<typeof withLongOutput>;

  beforeAll(async () => {
    fake = await startFakeSlack();
    const client = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    chat = withLongOutput(createSlackSink(client), createSlackFileSink(client), pino({ level: 'silent' }));
  });
  afterAll(async () => fake?.close());

  const huge = () => {
    const lines = Array.from({ length: 120 }, (_, i) => `host-${i}: ${'details '.repeat(30)}`);
    return { text: lines.join('\n'), blocks: lines.map(section) };
  };

  it('posts a summary Slack accepts and attaches the whole output as a file in its thread', async () => {
    fake.reset();
    const message = huge();
    const { ts } = await chat.post(CHANNEL, message);
    const post = fake.callsTo('chat.postMessage')[0];
    expect(post?.ok).toBe(true);
    expect((post?.args.blocks as unknown[] | undefined)?.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(post?.args.blocks)).toMatch(/attached in the thread as labops-output-/);
    const complete = await fake.waitFor('files.completeUploadExternal');
    expect(complete.args.thread_ts).toBe(ts);
    expect(complete.args.channel_id).toBe(CHANNEL);
    const [file] = fake.files();
    expect(file?.content?.toString()).toBe(message.text);
  });

  it('an updated message attaches once its content settles, not once per update', async () => {
    fake.reset();
    const { ts } = await chat.post(CHANNEL, { text: 'starting' });
    await chat.update(CHANNEL, ts, huge());
    await chat.update(CHANNEL, ts, { ...huge(), text: `${huge().text}\nlast line` });
    await fake.waitFor('files.completeUploadExternal', 5000);
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.callsTo('files.completeUploadExternal')).toHaveLength(1);
    expect(fake.files()[0]?.content?.toString()).toMatch(/last line$/);
    expect(fake.callsTo('chat.update').every((c) => c.ok)).toBe(true);
  });

  it('leaves messages that fit alone', async () => {
    fake.reset();
    await chat.post(CHANNEL, { text: 'small', blocks: [section('small')] });
    expect(fake.callsTo('chat.postMessage')[0]?.args.blocks).toEqual([section('small')]);
    expect(fake.callsTo('files.getUploadURLExternal')).toHaveLength(0);
  });

  it('a host that printed a 1 MB line: the file in the thread is its start and end, 256 KiB, and says what was left out', async () => {
    fake.reset();
    const line = `client-sync: ${'y'.repeat(1024 * 1024)}`;
    const message = {
      text: `start\n${line}\nthe end`,
      blocks: [section('start'), section(line), section('the end')],
    };
    const { ts } = await chat.post(CHANNEL, message);
    const post = fake.callsTo('chat.postMessage')[0];
    expect(String(post?.args.text)).toMatch(
      /did not fit one Slack message: its start and end are attached in the thread as labops-output-\S+ \(7\d\d KiB in the middle left out\)/,
    );
    const complete = await fake.waitFor('files.completeUploadExternal');
    expect(complete.args.thread_ts).toBe(ts);
    const content = fake.files()[0]?.content?.toString() ?? '';
    // (assertions on parts: a failure must not print a megabyte)
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(256 * 1024);
    expect(content.slice(0, 22)).toBe('start\nclient-sync: yyy');
    expect(content.slice(-10)).toBe('yy\nthe end');
    const note = /\n\[… (\d+) KiB left out here: labops uploads at most 256 KiB of an output …\]\n/.exec(
      content,
    );
    expect(note?.[1]).toMatch(/^7\d\d$/);
  });
});
