import { describe, expect, it } from 'vitest';
import { createCappedOutput, outputCutNote } from '../../../src/ssh/capped-output.js';

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('output kept of a command', () => {
  it('keeps all of an output under the cap; a character split across chunks stays whole', () => {
    const out = createCappedOutput(1024);
    const text = bytes('offset 1.4 µs fast — ok\n');
    const at = text.indexOf(0xb5); // the second byte of "µ"
    out.push(text.subarray(0, at));
    out.push(text.subarray(at));
    expect(out.text()).toBe('offset 1.4 µs fast — ok\n');
    expect(out.droppedBytes()).toBe(0);
  });

  it('decodes invalid bytes as U+FFFD instead of throwing', () => {
    const out = createCappedOutput(1024);
    out.push(Buffer.from([0x61, 0xff, 0xfe, 0x62, 0x0a]));
    expect(out.text()).toBe('a\uFFFD\uFFFDb\n');
  });

  it('over the cap: the start and the end are kept, the middle dropped and counted', () => {
    const out = createCappedOutput(16 * 1024);
    out.push(bytes('first line\n'));
    for (let i = 0; i < 1000; i++) out.push(bytes(`${'x'.repeat(99)}\n`));
    out.push(bytes('@@end exit=0\n'));
    const text = out.text();
    expect(text.startsWith('first line\nxxx')).toBe(true);
    expect(text.endsWith('\n@@end exit=0\n')).toBe(true);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(16 * 1024 + 1);
    const total = 11 + 1000 * 100 + 13;
    expect(out.droppedBytes()).toBe(total - 16 * 1024);
    // the kept tail starts at a line start: no half line of x's before the end marker's line
    expect(
      text
        .split('\n')
        .every(
          (l) => l === '' || l === 'first line' || l === '@@end exit=0' || l.length === 99 || l.length < 99,
        ),
    ).toBe(true);
  });

  it('a cap that falls inside a multi-byte character keeps no half of it', () => {
    const out = createCappedOutput(64);
    out.push(bytes('é'.repeat(100)));
    const text = out.text();
    expect(text).not.toContain('\uFFFD');
    expect(text.replace(/\n/g, '')).toMatch(/^é+$/);
  });

  it('says in a reply what was cut', () => {
    expect(outputCutNote({ limitBytes: 1024 * 1024, stdoutBytes: 51 * 1024 * 1024, stderrBytes: 0 })).toBe(
      'output cut at 1 MiB (51 MiB left out)',
    );
  });
});
