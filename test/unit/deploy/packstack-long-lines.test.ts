import { describe, expect, it } from 'vitest';
import { createLineSplitter, readLine, readOutput } from '../../../src/tasks/deploy/packstack-output.js';

const MB = 1024 * 1024;
// the worst case of the old step regex: a long run of spaces that never reaches "[ WORD ]"
const spacesLine = () => `Preparing ${' '.repeat(MB)}x`;

const timed = <T>(what: string, fn: () => T): T => {
  const started = performance.now();
  const result = fn();
  console.log(`[reliability] packstack parser, ${what}: ${(performance.now() - started).toFixed(1)} ms`);
  return result;
};

describe('packstack output with megabyte lines', () => {
  it('reads the steps around a 1 MB line of spaces', () => {
    const text = ['Clean Up   [ DONE ]', spacesLine(), 'Discovering ip protocol version   [ DONE ]'].join(
      '\n',
    );
    const p = timed('1 MB line of spaces', () => readOutput(text));
    expect(p.steps).toEqual([
      { title: 'Clean Up', result: 'DONE' },
      { title: 'Discovering ip protocol version', result: 'DONE' },
    ]);
  });

  it('reads an ERROR line of 1 MB as its first 4 KiB', () => {
    const p = readLine(readOutput(''), `ERROR : ${'e'.repeat(MB)}`);
    expect(p.errors).toHaveLength(1);
    expect(p.errors[0]?.length).toBe(4096);
    expect(p.errors[0]).toMatch(/^ERROR : e+$/);
  });

  it('the line splitter keeps 4 KiB of a 1 MB line that comes in small chunks, and the lines after it whole', () => {
    const split = createLineSplitter();
    const stream = `${spacesLine()}\nApplying 10.0.0.100_controller.pp\n10.0.0.100_controller.pp:   [ DONE ]\n`;
    const lines = timed('1 MB line through the splitter in 1 KiB chunks', () => {
      const out: string[] = [];
      for (let i = 0; i < stream.length; i += 1024) out.push(...split.push(stream.slice(i, i + 1024)));
      return [...out, ...split.flush()];
    });
    expect(lines.map((l) => l.length)).toEqual([4096, 33, 36]);
    const p = lines.reduce(readLine, readOutput(''));
    expect(p.steps).toEqual([{ title: '10.0.0.100_controller.pp', result: 'DONE' }]);
    expect(p.applying).toBeUndefined();
  });

  it('keeps at most 100 error lines of a host that prints nothing else', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `ERROR : failure ${i}`).join('\n');
    const p = readOutput(text);
    expect(p.errors).toHaveLength(100);
    expect(p.errors[0]).toBe('ERROR : failure 0');
  });
});
