import { describe, expect, it } from 'vitest';
import { slotStateOf, slotValue } from '../../../src/queue/slot-claims.js';

describe("a worker slot's value in Redis", () => {
  it('reads back what it writes', () => {
    const v = slotValue({ kind: 'home', owner: 'worker-1:4242:ab12cd34' });
    expect(v).toBe('home worker-1:4242:ab12cd34');
    expect(slotStateOf(v)).toEqual({ kind: 'home', owner: 'worker-1:4242:ab12cd34' });
    expect(slotStateOf(slotValue({ kind: 'adopted', owner: 'w2' }))).toEqual({
      kind: 'adopted',
      owner: 'w2',
    });
  });

  it('is free when the key is gone', () => {
    expect(slotStateOf(null)).toBe('free');
  });

  it('takes a value no labops wrote for held by someone unknown: never routed to, never adopted', () => {
    for (const v of ['', 'home', 'home ', 'owned w1', 'home w1 extra', 'HOME w1', `home ${'x'.repeat(201)}`])
      expect(slotStateOf(v), JSON.stringify(v)).toBe('unknown');
  });

  it('refuses an owner that could not be read back', () => {
    expect(() => slotValue({ kind: 'home', owner: 'has space' })).toThrow(/printable characters/);
    expect(() => slotValue({ kind: 'home', owner: '' })).toThrow(/printable characters/);
  });
});
