import { describe, expect, it } from 'vitest';
import { createCappedOutput } from '../../../src/ssh/capped-output.js';
import { frameReader } from '../../../src/ssh/frame-reader.js';
import { NTP_STATUS_REPEATING, splitStatusOutput } from '../../../src/tasks/chrony/remote-command.js';
import { section } from '../ntp-status/fixtures.js';

const MARK = NTP_STATUS_REPEATING.endMark; // '@@labops-ntp@@ end chronyc exit='
const CLIENT = section('status-command.txt', 'NTP_STATUS_COMMAND: client (server, peer, refclock)');

/** Feeds `bytes` in chunks of `size`; returns the frame's text and what came after it (undefined: no end yet). */
function feed(bytes: Buffer, size: number, max = 1024 * 1024) {
  const r = frameReader(MARK, max);
  for (let at = 0; at < bytes.length; at += size) {
    const rest = r.push(bytes.subarray(at, at + size));
    if (rest !== undefined)
      return {
        text: r.text(),
        rest: Buffer.concat([rest, bytes.subarray(at + size)]),
        dropped: r.droppedBytes(),
      };
  }
  return { text: r.text(), rest: undefined, dropped: r.droppedBytes() };
}

describe('frameReader', () => {
  it('reads a real run of the status command whole, in any chunking, and the parser reads it as from exec', () => {
    expect(CLIENT).toMatch(new RegExp(`${MARK}0\\n$`));
    for (const size of [1, 2, 3, 7, 31, 32, 33, 100, 4096]) {
      const got = feed(Buffer.from(CLIENT), size);
      expect(got.text, `chunks of ${size}`).toBe(CLIENT);
      expect(got.rest?.length, `chunks of ${size}`).toBe(0);
    }
    expect(splitStatusOutput(feed(Buffer.from(CLIENT), 5).text)).toEqual(splitStatusOutput(CLIENT));
  });

  it('ends at the first end line; what comes after it is handed back, not kept', () => {
    const next = '@@labops-ntp@@ begin chronyc\nmore';
    const got = feed(Buffer.from(CLIENT + next), 10);
    expect(got.text).toBe(CLIENT);
    expect(got.rest?.toString()).toBe(next);
  });

  it('finds the end mark after output without a final newline, as the parser does', () => {
    const run = `@@labops-ntp@@ begin chronyc\n506 Cannot talk to daemon${MARK}1\n`;
    expect(feed(Buffer.from(run), 4)).toMatchObject({ text: run, dropped: 0 });
    expect(splitStatusOutput(run).chronyc.exitCode).toBe(1);
  });

  it('is not ended by a mark without its status and newline, or with a status of 4 digits', () => {
    for (const text of [`${MARK}\n`, `${MARK}x\n`, `${MARK}0`, `${MARK}1234\n`, `${MARK.slice(0, -1)}0\n`]) {
      expect(feed(Buffer.from(text), 3).rest, JSON.stringify(text)).toBeUndefined();
    }
    // the mark may still come later in the same frame
    expect(feed(Buffer.from(`${MARK}1234\n${MARK}127\n`), 6).text).toBe(`${MARK}1234\n${MARK}127\n`);
  });

  it('past the cap keeps what exec keeps of the same bytes (head and tail), so the end mark and the last lines stay', () => {
    const flood = Buffer.concat([
      Buffer.from('@@labops-ntp@@ begin chronyc\n'),
      Buffer.alloc(3 * 1024 * 1024, 'x'),
      Buffer.from(`\n${CLIENT.split('\n').slice(1).join('\n')}`),
    ]);
    const got = feed(flood, 32 * 1024, 1024 * 1024);
    const exec = createCappedOutput(1024 * 1024);
    for (let at = 0; at < flood.length; at += 32 * 1024) exec.push(flood.subarray(at, at + 32 * 1024));
    expect(got.text).toBe(exec.text());
    expect(got.dropped).toBe(exec.droppedBytes());
    expect(got.dropped).toBeGreaterThan(2 * 1024 * 1024);
    expect(got.text.length).toBeLessThanOrEqual(1024 * 1024 + 1);
    expect(splitStatusOutput(got.text).chronyc.exitCode).toBe(0);
  });
});
