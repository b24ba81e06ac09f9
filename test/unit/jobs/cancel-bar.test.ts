import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/chat/message.js';
import type { ChatSink } from '../../../src/chat/sink.js';
import { withCancelBar } from '../../../src/jobs/render-cancel-bar.js';
import { withCancelBarChat } from '../../../src/workers/cancel-bar-chat.js';

const job = { jobId: '42', command: '/lab deploy', user: 'U1' };
const buttonOf = (m: ChatMessage) =>
  (m.blocks ?? []).flatMap((b) => (b.type === 'actions' ? b.elements : [])).at(0) as
    | { action_id: string; value: string; text: { text: string } }
    | undefined;

function chatLog() {
  const updates: { ts: string; message: ChatMessage; final?: boolean }[] = [];
  const chat: ChatSink = {
    post: async () => ({ ts: '9.9' }),
    update: async (_c, ts, message, opts) => void updates.push({ ts, message, final: opts?.final }),
    reply: async () => undefined,
  };
  return { chat, updates };
}

describe('the Cancel bar of a running job', () => {
  it("adds the job's id and the /lab jobs Cancel action under the message, text unchanged", () => {
    const shown = withCancelBar({ text: 'step 2 of 5' }, job);
    expect(shown.text).toBe('step 2 of 5');
    expect(shown.blocks?.[0]).toMatchObject({ type: 'section', text: { text: 'step 2 of 5' } });
    expect(buttonOf(shown)).toMatchObject({
      action_id: 'labops_cancel_job',
      value: '42',
      text: { text: 'Cancel job 42' },
    });
    expect(JSON.stringify(shown)).toContain('<@U1> or a lab admin');
  });

  it('leaves a long text-only message as it is rather than cut it into one section', () => {
    const long = { text: 'x'.repeat(5000) };
    expect(withCancelBar(long, job)).toBe(long);
  });

  it('leaves a message that already fills 50 blocks as it is', () => {
    const full = { text: 'x', blocks: Array.from({ length: 50 }, () => ({ type: 'divider' as const })) };
    expect(withCancelBar(full, job)).toBe(full);
  });

  it("bars progress updates of the job's message only, not a final one, and settle() takes the bar off", async () => {
    const { chat, updates } = chatLog();
    const bar = withCancelBarChat(chat, { channel: 'C1', messageTs: '1.0' }, job);
    await bar.chat.update('C1', '1.0', { text: 'step 1' });
    await bar.chat.update('C1', '2.0', { text: 'another message' });
    expect(updates[0] && buttonOf(updates[0].message)?.value).toBe('42');
    expect(updates[1]?.message).toEqual({ text: 'another message' });
    await bar.settle();
    expect(updates[2]).toEqual({ ts: '1.0', message: { text: 'step 1' }, final: true });
    await bar.settle(); // nothing left to take off
    expect(updates).toHaveLength(3);
  });

  it('needs no extra update when the last one was final (a summary)', async () => {
    const { chat, updates } = chatLog();
    const bar = withCancelBarChat(chat, { channel: 'C1', messageTs: '1.0' }, job);
    await bar.chat.update('C1', '1.0', { text: 'progress' });
    await bar.chat.update('C1', '1.0', { text: 'summary' }, { final: true });
    await bar.settle();
    expect(updates.map((u) => [u.message.text, buttonOf(u.message) !== undefined])).toEqual([
      ['progress', true],
      ['summary', false],
    ]);
  });
});
