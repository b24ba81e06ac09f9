import { describe, expect, it } from 'vitest';
import { rendezvousPick, rendezvousWeight } from '../../../src/queue/rendezvous.js';

const keys = Array.from({ length: 2000 }, (_, i) => `shard-${i}`);
const owners = (slots: number[]) => keys.map((k) => rendezvousPick(k, slots));

describe('rendezvous hashing', () => {
  it('picks the same candidate for a key whatever the order of the candidates', () => {
    for (const k of keys.slice(0, 200))
      expect(rendezvousPick(k, [0, 1, 2, 3])).toBe(rendezvousPick(k, [3, 1, 0, 2]));
  });

  it('picks nothing from no candidates, and the only one from one', () => {
    expect(rendezvousPick('shard-0', [])).toBeUndefined();
    expect(new Set(owners([7]))).toEqual(new Set([7]));
  });

  it('spreads keys about evenly', () => {
    for (const slots of [
      [0, 1],
      [0, 1, 2, 3],
    ]) {
      const picked = owners(slots);
      for (const s of slots) {
        const share = picked.filter((p) => p === s).length / keys.length;
        expect(share, `slot ${s} of ${slots.length}`).toBeGreaterThan((1 / slots.length) * 0.85);
        expect(share, `slot ${s} of ${slots.length}`).toBeLessThan((1 / slots.length) * 1.15);
      }
    }
  });

  it('moves only the keys of a candidate that leaves, and only to the others', () => {
    const before = owners([0, 1, 2]);
    const after = owners([0, 2]);
    keys.forEach((_, i) => {
      if (before[i] !== 1) expect(after[i]).toBe(before[i]);
      else expect([0, 2]).toContain(after[i]);
    });
  });

  it('moves only the keys a new candidate wins, and all of them to it', () => {
    const before = owners([0, 1]);
    const after = owners([0, 1, 5]);
    const moved = keys.filter((_, i) => after[i] !== before[i]);
    expect(keys.filter((_, i) => after[i] !== before[i] && after[i] !== 5)).toEqual([]);
    // about a third of the keys go to the third candidate
    expect(moved.length / keys.length).toBeGreaterThan(0.28);
    expect(moved.length / keys.length).toBeLessThan(0.39);
  });

  it('shares the ten shards of a check between two slots', () => {
    const picked = Array.from({ length: 10 }, (_, i) => rendezvousPick(`shard-${i}`, [0, 1]));
    expect(new Set(picked)).toEqual(new Set([0, 1]));
  });

  it('weighs a (candidate, key) pair the same every time, as a 32-bit whole number', () => {
    const w = rendezvousWeight(3, 'shard-1');
    expect(rendezvousWeight(3, 'shard-1')).toBe(w);
    expect(Number.isInteger(w) && w >= 0 && w < 2 ** 32).toBe(true);
    // keys that differ in one character get unrelated weights
    expect(rendezvousWeight(3, 'shard-2')).not.toBe(w);
    expect(rendezvousWeight(4, 'shard-1')).not.toBe(w);
  });
});
