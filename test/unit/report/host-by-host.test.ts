import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/chat/message.js';
import { type HostByHost, reportHostByHost } from '../../../src/tasks/report/host-by-host.js';
import { recordingChat } from '../recording-chat.js';

const text = (t: string): ChatMessage => ({ text: t });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Hosts that answer after the given number of ms; the messages name what they show. */
function job(waves: [string, number][][], events: string[] = []): HostByHost<[string, number], string> {
  return {
    waves,
    async run([host, ms]) {
      events.push(`start ${host}`);
      await sleep(ms);
      events.push(`done ${host}`);
      return host;
    },
    progress: (done) => text(`progress [${done.join(',')}]`),
    thread: (done) => done.map((h) => text(`details of ${h}`)),
    summary: (done) => text(`summary [${done.join(',')}]`),
  };
}

describe('reportHostByHost', () => {
  it('posts the progress when the bot posted nothing, then the thread, and the summary last', async () => {
    const { chat, seen } = recordingChat();
    const done = await reportHostByHost(
      chat,
      { channel: 'C1' },
      job([
        [
          ['b', 30],
          ['a', 0],
        ],
      ]),
    );
    expect(done).toEqual(['a', 'b']); // the order they answered in
    expect(seen[0]).toBe('post progress []');
    expect(seen.slice(-3)).toEqual([
      'reply 1.000 details of a',
      'reply 1.000 details of b',
      'update 1.000 summary [a,b]',
    ]);
    // in between, progress as hosts answer, but not with all of them: that would only flash before the summary
    expect(seen.slice(1, -3)).toEqual(['update 1.000 progress [a]']);
  });

  it('updates the message the bot posted, at once with the empty progress only when asked', async () => {
    const plain = recordingChat();
    await reportHostByHost(plain.chat, { channel: 'C1', messageTs: '0.000' }, job([[['a', 20]]]));
    expect(plain.seen).toEqual(['reply 0.000 details of a', 'update 0.000 summary [a]']);

    const shown = recordingChat();
    await reportHostByHost(
      shown.chat,
      { channel: 'C1', messageTs: '0.000' },
      {
        ...job([[['a', 20]]]),
        showStart: true,
      },
    );
    expect(shown.seen).toEqual([
      'update 0.000 progress []',
      'reply 0.000 details of a',
      'update 0.000 summary [a]',
    ]);
  });

  it('starts a wave only when the one before is done; the hosts of a wave run together', async () => {
    const events: string[] = [];
    const { chat } = recordingChat();
    const waves: [string, number][][] = [
      [
        ['s1', 20],
        ['s2', 10],
      ],
      [
        ['c1', 0],
        ['c2', 0],
      ],
    ];
    const done = await reportHostByHost(chat, { channel: 'C1' }, job(waves, events));
    expect(events).toEqual([
      'start s1',
      'start s2',
      'done s2',
      'done s1',
      'start c1',
      'start c2',
      'done c1',
      'done c2',
    ]);
    expect(done).toEqual(['s2', 's1', 'c1', 'c2']);
  });

  it('with no hosts: the empty progress, then the empty summary', async () => {
    const { chat, seen } = recordingChat();
    expect(await reportHostByHost(chat, { channel: 'C1' }, job([[]]))).toEqual([]);
    expect(seen).toEqual(['post progress []', 'update 1.000 summary []']);
  });
});
