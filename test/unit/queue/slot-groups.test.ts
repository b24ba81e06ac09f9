import { describe, expect, it } from 'vitest';
import { placeShards } from '../../../src/ntp-shards/coordinator.js';
import { partition } from '../../../src/ntp-shards/partition.js';
import { shardQueueFor } from '../../../src/ntp-shards/shard-job.js';
import { rendezvousPick } from '../../../src/queue/rendezvous.js';
import { groupBySlot } from '../../../src/queue/slot-groups.js';

const HOSTS = Array.from({ length: 500 }, (_, i) => `h${i}`);

describe('hosts grouped by worker slot', () => {
  it('puts every host once, on the slot that wins its name, slots ascending, hosts in the given order', () => {
    const groups = groupBySlot(HOSTS, [4, 1, 2]);
    expect(groups.map((g) => g.slot)).toEqual([1, 2, 4]);
    expect(groups.flatMap((g) => g.keys).sort()).toEqual([...HOSTS].sort());
    for (const g of groups) {
      for (const host of g.keys) expect(rendezvousPick(host, [1, 2, 4]), host).toBe(g.slot);
      expect(g.keys).toEqual(HOSTS.filter((h) => g.keys.includes(h)));
      expect(g.keys.length).toBeGreaterThan(100); // about a third each
    }
  });

  it('gives no group without a live slot, and leaves out a slot that wins nothing', () => {
    expect(groupBySlot(HOSTS, [])).toEqual([]);
    const one = groupBySlot(['only-host'], [0, 1, 2, 3]);
    expect(one).toEqual([{ slot: rendezvousPick('only-host', [0, 1, 2, 3]), keys: ['only-host'] }]);
  });
});

describe("an ntp status run's shards", () => {
  it('are one a live slot, numbered by the slot, on its queue', () => {
    const shards = placeShards(HOSTS, [0, 1], 8);
    expect(shards.map((s) => [s.k, s.slot])).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(shards.flatMap((s) => s.hosts).sort()).toEqual([...HOSTS].sort());
    expect(shards.map((s) => shardQueueFor(s.slot))).toEqual(['ntp-shards-0', 'ntp-shards-1']);
  });

  it('are the stable partition on the shared queue without a live slot (as before slots)', () => {
    const shards = placeShards(HOSTS, [], 8);
    expect(shards).toEqual(partition(HOSTS, 8));
    expect(shards.every((s) => s.slot === undefined && shardQueueFor(s.slot) === 'ntp-shards')).toBe(true);
  });
});
