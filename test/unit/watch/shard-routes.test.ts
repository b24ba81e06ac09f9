import { describe, expect, it } from 'vitest';
import { placeShards } from '../../../src/ntp-shards/coordinator.js';
import { rendezvousPick } from '../../../src/queue/rendezvous.js';
import { type RoutedShard, routeShards } from '../../../src/watch/shard-routes.js';
import { shardsOf, type TickPlan } from '../../../src/watch/tick-plan.js';
import { shardQueueName, WATCH_QUEUE } from '../../../src/watch/watch-queue.js';

const HOSTS = Array.from({ length: 1000 }, (_, i) => `node-${String(i).padStart(4, '0')}.lab`);
const tick: TickPlan = { tick: 't1', at: 1, hosts: HOSTS, scope: '' };
const shardsOfTick = (size: number) => shardsOf(HOSTS, size).map((hosts) => ({ ...tick, hosts }));
/** host -> the queue of the shard it went out in. */
const queueOfHost = (routed: RoutedShard[]) =>
  new Map(routed.flatMap(({ queue, shard }) => shard.hosts.map((h) => [h, queue] as const)));

describe("routing a drift check's hosts to worker slots", () => {
  it('sends the tick cut into shards to the shared watch queue while no slot is live (as a labops before slots did)', () => {
    const shards = shardsOfTick(400);
    expect(routeShards(tick, 400, [])).toEqual(shards.map((shard) => ({ queue: WATCH_QUEUE, shard })));
  });

  it("sends each host to the queue of the slot its name wins, once, in shards no larger than the tick's", () => {
    const routed = routeShards(tick, 100, [0, 1]);
    expect(routed.flatMap((r) => r.shard.hosts).sort()).toEqual(HOSTS);
    expect(
      routed.every((r) => r.shard.hosts.length <= 100 && r.shard.tick === 't1' && r.shard.at === 1),
    ).toBe(true);
    for (const [host, queue] of queueOfHost(routed))
      expect(queue, host).toBe(shardQueueName(rendezvousPick(host, [0, 1]) as number));
    // both slots get hosts, about half each: 10 or 11 shards (each slot's last one may be partly filled)
    expect(new Set(routed.map((r) => r.queue))).toEqual(new Set([shardQueueName(0), shardQueueName(1)]));
    expect(routed.length).toBeGreaterThanOrEqual(10);
    expect(routed.length).toBeLessThanOrEqual(11);
    expect(routeShards(tick, 100, [0, 1])).toEqual(routed); // the same every check
  });

  it('puts a host on the slot of its ntp status shard: one worker pools it for both', () => {
    const drift = queueOfHost(routeShards(tick, 100, [0, 3, 5]));
    const status = placeShards(HOSTS, [0, 3, 5], 8);
    expect(status.map((s) => s.slot)).toEqual([0, 3, 5]);
    for (const s of status)
      for (const host of s.hosts) expect(drift.get(host), host).toBe(shardQueueName(s.slot as number));
  });

  it('moves only the hosts of a slot that went away', () => {
    const before = queueOfHost(routeShards(tick, 100, [0, 1, 2]));
    const after = queueOfHost(routeShards(tick, 100, [0, 2]));
    for (const host of HOSTS) {
      if (before.get(host) !== shardQueueName(1)) expect(after.get(host), host).toBe(before.get(host));
      else expect(after.get(host), host).not.toBe(shardQueueName(1));
    }
  });

  it('names a queue per slot, apart from the shared one', () => {
    expect(shardQueueName(0)).toBe('ntp-watch-shards-0');
    expect(shardQueueName(12)).not.toBe(WATCH_QUEUE);
  });
});
