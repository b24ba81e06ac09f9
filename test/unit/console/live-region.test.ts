import { describe, expect, it } from 'vitest';
import { displayWidth, eraseRows, fitLine, fitLive } from '../../../src/console/live-region.js';

describe('the live region of a terminal', () => {
  it('counts pictographs as two columns', () => {
    expect(displayWidth('✅ ok')).toBe(5);
    expect(displayWidth('▫️ 2')).toBe(4);
  });

  it('cuts a line so it never wraps: each live line is one row to redraw', () => {
    const line = `✅ ${'x'.repeat(100)}`;
    const cut = fitLine(line, 40);
    expect(displayWidth(cut)).toBeLessThanOrEqual(39);
    expect(cut.endsWith('…')).toBe(true);
    expect(fitLine('short', 40)).toBe('short');
  });

  it('shows the last lines that fit the screen and says how many are hidden', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    const live = fitLive(lines, 80, 10);
    expect(live).toHaveLength(8);
    expect(live[0]).toBe('… 23 more lines above (shown in full when done)');
    expect(live.at(-1)).toBe('line 30');
  });

  it('erases from the first live row down', () => {
    expect(eraseRows(3)).toBe('\r\x1b[3A\x1b[J');
    expect(eraseRows(0)).toBe('\r\x1b[J');
  });
});
