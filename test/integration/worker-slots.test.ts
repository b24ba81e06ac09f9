import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { liveSlots, SlotClaims } from '../../src/queue/slot-claims.js';
import { startWorkerSlots, type WorkerSlots } from '../../src/queue/worker-slots.js';
import { until as untilValue } from '../support/until.js';

// Worker slots against the real Redis. A "process" here is one startWorkerSlots; its consumers record when they
// are started and closed, and which slots have work left is the test's to say (as a queue's job counts would).
// A process killed with SIGKILL leaves only its claim in Redis, expiring: the tests write that claim directly.
const TTL = 300;
const log = createLogger('silent');

const until = <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 15_000) =>
  untilValue(what, probe, ms, 25);

describe('worker slots (a stable home per worker process, adopted when it dies)', () => {
  let redis: Redis;
  const keys: string[] = [];
  const started: WorkerSlots[] = [];
  let key: string;
  /** What every process's consumers did, in order: "serve <owner> <slot>", "close <owner> <slot>". */
  let events: string[];
  /** Slots with work left. */
  let work: Set<number>;

  const start = async (owner: string, maxSlots?: number) => {
    const slots = await startWorkerSlots({
      redis,
      key,
      owner,
      ttlMs: TTL,
      ...(maxSlots && { maxSlots }),
      serve: (slot) => {
        events.push(`serve ${owner} ${slot}`);
        return { close: async () => events.push(`close ${owner} ${slot}`) };
      },
      pending: async (slot) => work.has(slot),
      log,
    });
    started.push(slots);
    return slots;
  };
  /** The claim a killed process leaves: its key, expiring after `ms`, and the slot known. */
  const deadClaim = async (slot: number, ms: number) => {
    await redis.set(`${key}:${slot}`, 'home killed-worker', 'PX', ms);
    await redis.sadd(`${key}:known`, String(slot));
  };

  beforeAll(() => {
    redis = new Redis(inject('redisUrl'));
  });
  afterEach(async () => {
    for (const s of started.splice(0)) await s.close();
  });
  afterAll(async () => {
    for (const k of keys) {
      const all = await redis.keys(`${k}*`);
      if (all.length) await redis.del(...all);
    }
    await redis.quit();
  });
  const fresh = () => {
    key = `labops-test-slots-${randomUUID().slice(0, 8)}:slot`;
    keys.push(key);
    events = [];
    work = new Set();
  };

  it('gives each process the lowest free slot, lists the live ones, and frees a slot when its process closes', async () => {
    fresh();
    const a = await start('worker-a');
    const b = await start('worker-b');
    expect([a.home(), b.home()]).toEqual([0, 1]);
    expect(events).toEqual(['serve worker-a 0', 'serve worker-b 1']);
    expect(await liveSlots(redis, key)).toEqual([0, 1]);

    // renewed: still held long after one TTL
    await new Promise((r) => setTimeout(r, TTL * 4));
    expect(await liveSlots(redis, key)).toEqual([0, 1]);

    await a.close();
    expect(events.at(-1)).toBe('close worker-a 0');
    expect(await redis.exists(`${key}:0`)).toBe(0);
    expect(await liveSlots(redis, key)).toEqual([1]);
    const c = await start('worker-c');
    expect(c.home()).toBe(0);
    expect(await liveSlots(redis, key)).toEqual([0, 1]);
  });

  it("adopts a killed process's slot once its claim expires, if work is left on it, and gives it back once done", async () => {
    fresh();
    await deadClaim(0, 1500);
    work.add(0);
    const a = await start('worker-a');
    const b = await start('worker-b');
    expect([a.home(), b.home()]).toEqual([1, 2]);
    expect(await liveSlots(redis, key)).toEqual([0, 1, 2]); // the killed one's claim has not expired yet
    expect(events.filter((e) => e.endsWith(' 0'))).toEqual([]);

    // expired: exactly one of the two adopts it; it is not a home, so no work is routed to it
    await until('slot 0 adopted', () => [a, b].some((s) => s.held().get(0) === 'adopted'));
    const adopter = a.held().has(0) ? 'worker-a' : 'worker-b';
    expect(await redis.get(`${key}:0`)).toBe(`adopted ${adopter}`);
    expect(await liveSlots(redis, key)).toEqual([1, 2]);
    expect([a, b].filter((s) => s.held().has(0))).toHaveLength(1);

    // held while work is left (renewed past its TTL), given back once there is none
    await new Promise((r) => setTimeout(r, TTL * 3));
    expect(await redis.get(`${key}:0`)).toBe(`adopted ${adopter}`);
    work.delete(0);
    await until('slot 0 given back', async () => (await redis.exists(`${key}:0`)) === 0);
    await until('its consumer closed', () => events.includes(`close ${adopter} 0`));
    expect(events.filter((e) => e.endsWith(' 0'))).toEqual([`serve ${adopter} 0`, `close ${adopter} 0`]);
    expect([a.held().has(0), b.held().has(0)]).toEqual([false, false]);
  });

  it('leaves a free slot with no work left alone', async () => {
    fresh();
    await deadClaim(0, 50);
    const a = await start('worker-a');
    expect(a.home()).toBe(1); // slot 0's claim still there at start
    await until('slot 0 expired', async () => (await redis.exists(`${key}:0`)) === 0);
    await new Promise((r) => setTimeout(r, TTL * 3)); // several rounds
    expect(await redis.exists(`${key}:0`)).toBe(0);
    expect([...a.held()]).toEqual([[1, 'home']]);
  });

  it('stops serving a slot another process took while this one stalled, and finds a new home', async () => {
    fresh();
    const a = await start('worker-a');
    expect(a.home()).toBe(0);
    // as if a's claim had expired during a stall and another process had adopted slot 0
    await redis.set(`${key}:0`, 'adopted worker-z', 'PX', 60_000);
    await until('a new home', () => a.home() === 1);
    await until('slot 0 no longer served', () => events.includes('close worker-a 0'));
    expect(await redis.get(`${key}:0`)).toBe('adopted worker-z');
    expect(await redis.get(`${key}:1`)).toBe('home worker-a');
  });

  it('claims its slots again after Redis lost them (restarted empty)', async () => {
    fresh();
    const a = await start('worker-a');
    const b = await start('worker-b');
    await redis.del(`${key}:0`, `${key}:1`, `${key}:known`);
    await until('both slots listed again', async () => (await liveSlots(redis, key)).length === 2);
    expect(await liveSlots(redis, key)).toEqual([0, 1]);
    expect([a.home(), b.home()]).toEqual([0, 1]);
  });

  it('serves no slot when all are held, and takes one as soon as one is free', async () => {
    fresh();
    const a = await start('worker-a', 1);
    const b = await start('worker-b', 1);
    expect([a.home(), b.home()]).toEqual([0, undefined]);
    await a.close();
    await until('b has a home', () => b.home() === 0);
  });

  it('never adopts a slot whose value no labops wrote', async () => {
    fresh();
    await redis.set(`${key}:0`, 'something else', 'PX', 60_000);
    await redis.sadd(`${key}:known`, '0');
    work.add(0);
    const a = await start('worker-a');
    await new Promise((r) => setTimeout(r, TTL * 3));
    expect([...a.held()]).toEqual([[1, 'home']]);
    expect((await new SlotClaims(redis, key).read()).get(0)).toBe('unknown');
    expect(await liveSlots(redis, key)).toEqual([1]);
  });
});
