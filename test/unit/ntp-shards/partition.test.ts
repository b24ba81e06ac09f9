import { describe, expect, it } from 'vitest';
import { partition, shardOf } from '../../../src/ntp-shards/partition.js';

const names = (n: number) => Array.from({ length: n }, (_, i) => `host-${String(i + 1).padStart(5, '0')}`);

describe('the partition of a shared check into shards', () => {
  it('puts every host in exactly one shard, numbered below the shard count', () => {
    const hosts = names(1000);
    const shards = partition(hosts, 8);
    const all = shards.flatMap((s) => s.hosts);
    expect(all.sort()).toEqual([...hosts].sort());
    expect(new Set(all).size).toBe(1000);
    for (const s of shards) {
      expect(s.k).toBeGreaterThanOrEqual(0);
      expect(s.k).toBeLessThan(8);
      for (const h of s.hosts) expect(shardOf(h, 8)).toBe(s.k);
    }
  });

  it('keeps a host in its shard whatever the target: all hosts, a group, one host, another order', () => {
    const hosts = names(1000);
    const of = (list: string[]) => new Map(partition(list, 8).flatMap((s) => s.hosts.map((h) => [h, s.k])));
    const all = of(hosts);
    const group = of(hosts.filter((_, i) => i % 7 === 3));
    const reversed = of([...hosts].reverse());
    for (const [h, k] of group) expect(all.get(h), h).toBe(k);
    for (const [h, k] of reversed) expect(all.get(h), h).toBe(k);
    expect(of(['host-00042']).get('host-00042')).toBe(all.get('host-00042'));
  });

  it('spreads consecutive host names over the shards, none empty at 1000 hosts', () => {
    const sizes = partition(names(1000), 8).map((s) => s.hosts.length);
    expect(sizes).toHaveLength(8);
    for (const n of sizes) {
      expect(n).toBeGreaterThan(80);
      expect(n).toBeLessThan(170);
    }
  });

  it('leaves out shards with no host, and keeps the hosts of a shard in the order given', () => {
    const shards = partition(['b', 'a'], 64);
    expect(shards.length).toBeLessThanOrEqual(2);
    expect(shards.flatMap((s) => s.hosts).sort()).toEqual(['a', 'b']);
    expect(partition([], 8)).toEqual([]);
    const one = partition(['z', 'y', 'x'], 1);
    expect(one).toEqual([{ k: 0, hosts: ['z', 'y', 'x'] }]);
  });
});
