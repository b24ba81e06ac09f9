import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../../src/tasks/report/unified-diff.js';

const dir = mkdtempSync(join(tmpdir(), 'labops-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** GNU diff -u's hunks for the same texts (its two header lines carry timestamps, so they are left out). */
function gnuHunks(a: string, b: string): string {
  writeFileSync(join(dir, 'a'), a);
  writeFileSync(join(dir, 'b'), b);
  const r = spawnSync('diff', ['-u', join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' });
  return r.stdout.split('\n').slice(2).join('\n');
}
const ours = (a: string, b: string) =>
  unifiedDiff(a, b, { old: 'a', new: 'b' }).split('\n').slice(2).join('\n');

const lines = (n: number, f = (i: number) => `line ${i}`) =>
  `${Array.from({ length: n }, (_, i) => f(i + 1)).join('\n')}\n`;
const runbook = readFileSync(
  new URL('../../fixtures/chrony-conf/runbook-time-server.conf', import.meta.url),
  'utf8',
);
const client = readFileSync(
  new URL('../../fixtures/chrony-conf/runbook-client.conf', import.meta.url),
  'utf8',
);

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\n', 'a\n', { old: 'x', new: 'x' })).toBe('');
  });

  it('names the files, and /dev/null for a file that did not exist', () => {
    expect(unifiedDiff(null, 'a\nb\n', { old: '/etc/chrony.conf', new: '/etc/chrony.conf' })).toBe(
      '--- /dev/null\n+++ /etc/chrony.conf\n@@ -0,0 +1,2 @@\n+a\n+b\n',
    );
    expect(unifiedDiff('x\n', 'y\n', { old: '/etc/chrony.conf', new: '/etc/chrony.conf' })).toBe(
      '--- /etc/chrony.conf\n+++ /etc/chrony.conf\n@@ -1 +1 @@\n-x\n+y\n',
    );
  });

  it('prints the same hunks as GNU diff -u', () => {
    const cases: [string, string][] = [
      [lines(20), lines(20, (i) => (i === 10 ? 'changed' : `line ${i}`))],
      [lines(30), lines(30, (i) => (i === 5 || i === 25 ? `new ${i}` : `line ${i}`))],
      // changes 6 lines apart: one hunk; 7 apart: two
      [lines(30), lines(30, (i) => (i === 10 || i === 17 ? `new ${i}` : `line ${i}`))],
      [lines(30), lines(30, (i) => (i === 10 || i === 18 ? `new ${i}` : `line ${i}`))],
      [lines(5), lines(3)],
      [lines(3), lines(6)],
      [lines(3), ''],
      ['', lines(3)],
      [lines(10), lines(10, (i) => `line ${i}`).replace('line 5\nline 6\n', '')],
      [lines(10), lines(10).replace('line 5\n', 'line 5\nnew a\nnew b\n')],
      // a long file with scattered changes: Myers' algorithm where the old LCS table gave up (4 million cells)
      [lines(3000), lines(3000, (i) => (i % 500 === 0 ? `changed ${i}` : `line ${i}`))],
      ['a\nb\nc', 'a\nb\nc\n'],
      ['a\nb\nc\n', 'a\nB\nc'],
      [runbook, client],
      [client, runbook],
    ];
    for (const [a, b] of cases) expect(ours(a, b), `${a}\n→\n${b}`).toBe(gnuHunks(a, b));
  });
});
