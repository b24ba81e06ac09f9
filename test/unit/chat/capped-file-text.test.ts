import { describe, expect, it } from 'vitest';
import { cappedFileText } from '../../../src/chat/capped-file-text.js';
import { summariseMessage } from '../../../src/chat/fit-message.js';

describe('text files uploaded to Slack', () => {
  it('a text under the cap goes as it is', () => {
    const { bytes, leftOutBytes } = cappedFileText('small\n');
    expect(Buffer.from(bytes).toString()).toBe('small\n');
    expect(leftOutBytes).toBe(0);
  });

  it('a 1 MB text becomes its start and its end with a line saying what was left out', () => {
    const text = `start\n${'ü'.repeat(512 * 1024)}\nend of the output\n`;
    const { bytes, leftOutBytes } = cappedFileText(text, 256 * 1024);
    const kept = Buffer.from(bytes).toString();
    expect(bytes.length).toBeLessThanOrEqual(256 * 1024);
    expect(kept.startsWith('start\nüü')).toBe(true);
    expect(kept.endsWith('üü\nend of the output\n')).toBe(true);
    expect(kept).toMatch(/\[… 769 KiB left out here: labops uploads at most 256 KiB of an output …\]/);
    expect(cappedFileText(kept, 256 * 1024).leftOutBytes).toBe(0); // capping again changes nothing
    expect(kept).not.toContain('\uFFFD');
    expect(leftOutBytes).toBeGreaterThan(760 * 1024);
  });

  it('the summary in the channel says the file was cut', () => {
    const m = summariseMessage({ text: 'x'.repeat(50_000) }, 'out.txt', 50_000, '769 KiB');
    expect(m.text).toMatch(
      /its start and end are attached in the thread as out\.txt \(769 KiB in the middle left out\)/,
    );
  });
});
