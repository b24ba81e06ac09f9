import { describe, expect, it } from 'vitest';
import { routeShards } from '../../../src/watch/shard-routes.js';
import { shardQueueName, WATCH_QUEUE } from '../../../src/watch/watch-queue.js';

describe("routing a drift check's shards to worker slots", () => {
  it('sends every shard to the shared watch queue while no slot is live (as a labops before slots did)', () => {
    expect(routeShards(3, [])).toEqual([WATCH_QUEUE, WATCH_QUEUE, WATCH_QUEUE]);
  });

  it("sends each shard to one live slot's queue, the same one every check", () => {
    const first = routeShards(10, [0, 1]);
    expect(routeShards(10, [0, 1])).toEqual(first);
    expect(new Set(first)).toEqual(new Set([shardQueueName(0), shardQueueName(1)]));
  });

  it('moves only the shards of a slot that went away', () => {
    const before = routeShards(40, [0, 1, 2]);
    const after = routeShards(40, [0, 2]);
    before.forEach((q, i) => {
      if (q !== shardQueueName(1)) expect(after[i], `shard ${i}`).toBe(q);
      else expect(after[i], `shard ${i}`).not.toBe(shardQueueName(1));
    });
  });

  it('names a queue per slot, apart from the shared one', () => {
    expect(shardQueueName(0)).toBe('ntp-watch-shards-0');
    expect(shardQueueName(12)).not.toBe(WATCH_QUEUE);
  });
});
