import { describe, expect, it } from 'vitest';
import { shardsOf, TickPlan } from '../../../src/watch/tick-plan.js';

describe('splitting a drift check into shards', () => {
  it('keeps every host once, in order, at most `size` a shard', () => {
    const hosts = Array.from({ length: 1001 }, (_, i) => `h${i}`);
    const shards = shardsOf(hosts, 100);
    expect(shards).toHaveLength(11);
    expect(shards.every((s) => s.length <= 100)).toBe(true);
    expect(shards.at(-1)).toEqual(['h1000']);
    expect(shards.flat()).toEqual(hosts);
    expect(shardsOf(['a', 'b', 'c'], 100)).toEqual([['a', 'b', 'c']]);
    expect(shardsOf([], 100)).toEqual([]);
  });

  it('refuses a size that would never end or split nothing', () => {
    expect(() => shardsOf(['a'], 0)).toThrow(/shard size must be a whole number ≥ 1, not 0/);
    expect(() => shardsOf(['a'], 1.5)).toThrow(/not 1.5/);
  });

  it("checks a job's data as input: a tick id, a time, host names", () => {
    expect(TickPlan.parse({ tick: 't1', at: 5, hosts: ['a'] })).toEqual({
      tick: 't1',
      at: 5,
      hosts: ['a'],
      scope: '',
    });
    expect(TickPlan.safeParse({ tick: 't1', at: -1, hosts: [] }).success).toBe(false);
    expect(TickPlan.safeParse({ tick: 't1', at: 5, hosts: [''] }).success).toBe(false);
    expect(TickPlan.safeParse({ tick: '', at: 5, hosts: [] }).success).toBe(false);
    expect(TickPlan.safeParse('{"tick":"t1"}').success).toBe(false);
  });
});
