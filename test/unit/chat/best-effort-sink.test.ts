import { describe, expect, it } from 'vitest';
import { bestEffort } from '../../../src/chat/best-effort-sink.js';
import type { ChatSink } from '../../../src/chat/sink.js';
import { createLogger } from '../../../src/log/logger.js';

const refused = () => Promise.reject(new Error('Slack chat.update did not answer within 5 s'));
const slackDown: ChatSink = { post: refused, update: refused, reply: refused };

describe("a job's chat when Slack does not take a message", () => {
  const lines: string[] = [];
  const chat = bestEffort(slackDown, createLogger('warn', { write: (l: string) => lines.push(l) }));

  it('logs an update or thread reply it could not deliver and lets the job go on', async () => {
    await expect(chat.update('C1', '1.1', { text: 'progress' })).resolves.toBeUndefined();
    await expect(chat.reply('C1', '1.1', { text: 'details' })).resolves.toBeUndefined();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('"msg":"Slack message not delivered; the job goes on"');
    expect(lines[0]).toContain('"call":"chat.update"');
    expect(lines[0]).not.toContain('progress'); // what was said stays out of the log
  });

  it('still fails a post: without its ts there is no message to carry on with', async () => {
    await expect(chat.post('C1', { text: 'checking' })).rejects.toThrow(/did not answer/);
  });

  it("posts a final update it could not make in the message's thread, so a job's summary is never lost", async () => {
    const seen: string[] = [];
    const updateRefused: ChatSink = {
      post: async () => ({ ts: '1.1' }),
      update: refused,
      reply: async (_c, ts, m) => void seen.push(`reply ${ts} ${m.text}`),
    };
    const job = bestEffort(updateRefused, createLogger('silent'));
    await job.update('C1', '1.1', { text: 'progress' });
    await job.update('C1', '1.1', { text: 'summary' }, { final: true });
    expect(seen).toEqual(['reply 1.1 summary']);
  });
});
