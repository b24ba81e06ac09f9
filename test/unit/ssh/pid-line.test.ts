import { describe, expect, it } from 'vitest';
import { PID_PREFIX, pidLineReader } from '../../../src/ssh/pid-line.js';

function read(chunks: string[]) {
  const pids: number[] = [];
  const r = pidLineReader((pid) => pids.push(pid));
  const own = chunks.map((c) => r.push(Buffer.from(c)).toString()).join('');
  return { pids, own, held: r.flush().toString() };
}

describe('pidLineReader', () => {
  it('takes the pid line PID_PREFIX prints, in pieces, and hands on the rest of stderr', () => {
    expect(PID_PREFIX).toBe('echo "@@labops-pgid $$" >&2; ');
    expect(read(['@@labops-', 'pgid 4', '2\nwarn', 'ing\n'])).toEqual({
      pids: [42],
      own: 'warning\n',
      held: '',
    });
  });

  it('a first line of something else is kept as stderr, and no pid is taken from later lines', () => {
    expect(read(['bash: oops\n', '@@labops-pgid 7\n'])).toEqual({
      pids: [],
      own: 'bash: oops\n@@labops-pgid 7\n',
      held: '',
    });
  });

  it('gives up waiting for the line after 64 bytes without a newline; an unfinished line is flushed at the close', () => {
    expect(read(['x'.repeat(70)]).own).toBe('x'.repeat(70));
    expect(read(['@@labops-pgid 12'])).toEqual({ pids: [], own: '', held: '@@labops-pgid 12' });
  });

  it('a pid line of 0, 1 or a number past any pid gives no pid: `kill -- -1` as root would kill every process', () => {
    for (const pid of ['0', '1', '99999999999999999999'])
      expect(read([`@@labops-pgid ${pid}\n`, 'warn\n']), pid).toEqual({ pids: [], own: 'warn\n', held: '' });
  });
});
