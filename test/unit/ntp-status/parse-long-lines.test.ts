import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import { parseTrackingText } from '../../../src/tasks/chrony/parse-tracking.js';
import { parseIpAddrOneline } from '../../../src/tasks/controller/parse-ip-addr.js';
import { allSections } from './fixtures.js';

const MB = 1024 * 1024;
const timed = <T>(what: string, fn: () => T): T => {
  const started = performance.now();
  try {
    return fn();
  } finally {
    console.log(`[reliability] ${what}: ${(performance.now() - started).toFixed(1)} ms`);
  }
};

// lines that made the old regexes backtrack over every character pair (40k characters: over a second each)
describe('parsers on a host that prints megabyte lines', () => {
  it('chronyc tracking: a 1 MB line of spaces among the report lines is skipped', () => {
    const [, , report = ''] =
      allSections(/^chronyc (-n )?tracking$/).find(([, , t]) => !t.startsWith('506 ')) ?? [];
    const text = `${report}Junk${' '.repeat(MB)}x\n`;
    const parsed = timed('parseTrackingText with a 1 MB line', () => parseTrackingText(text));
    expect(parsed).toEqual(parseTrackingText(report));
  });

  it('ip -o addr show: a 1 MB word is refused as unreadable; a line with 1 MB of flags is read from its first 4 KiB', () => {
    const err = timed('parseIpAddrOneline with a 1 MB word', () => {
      try {
        parseIpAddrOneline(`1: ${'@'.repeat(MB)}\n`);
      } catch (e) {
        return e;
      }
    });
    expect(err).toBeInstanceOf(ParseError);
    const flags = `2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global ${'x '.repeat(MB / 2)}dynamic eth0\\ valid_lft 80000sec`;
    const [eth0] = timed('parseIpAddrOneline with 1 MB of flags', () => parseIpAddrOneline(flags));
    expect(eth0?.ipv4).toEqual([{ address: '10.0.0.5', prefixlen: 24, scope: 'global' }]);
  });
});
