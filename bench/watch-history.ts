// Redis memory of the drift watch's offset history: DAYS days of checks at the default interval written for a few
// hosts through the watch's own OffsetHistory (raw tier, moved into the compact day strings as it ages, as every tick
// does), then MEMORY USAGE of each of a host's keys (its raw sorted set and its day strings).
import type { Redis } from 'ioredis';
import { OffsetHistory } from '../src/watch/offset-history.js';
import { step } from '../src/watch/step.js';
import { WatchStore } from '../src/watch/watch-store.js';

export interface HistoryFigures {
  hosts: number;
  days: number;
  intervalSeconds: number;
  points: number;
  /** MEMORY USAGE (exact, SAMPLES 0) of one host's history keys (both tiers), median over the hosts, bytes. */
  historyBytes: number;
  /** Of which the raw tier (the last hour's sorted set), bytes. */
  rawBytes: number;
  /** How many day strings one host's compact tier has. */
  dayKeys: number;
  /** The same for one host's watch record (drift:host:<name>, state and last observation), bytes. */
  recordBytes: number;
  /** Growth of Redis' used_memory over the whole write, per host, bytes (allocator overhead included). */
  usedMemoryPerHost: number;
}

const RULES = { confirmChecks: 2, flapChanges: 4, flapWindowMs: 3_600_000, flapStableChecks: 10 };

/** A clock that wanders by microseconds, as chronyc reports it (9 decimals, seconds). */
function offsets(seed: number): () => number {
  let x = seed;
  let offset = 0;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    offset = Math.max(-0.0002, Math.min(0.0002, offset + (x / 2 ** 31 - 0.5) * 0.00002));
    return Number(offset.toFixed(9));
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0);
}

export async function measureHistory(
  redis: Redis,
  prefix: string,
  opts = { hosts: 10, days: 7, intervalSeconds: 60 },
): Promise<HistoryFigures> {
  const keepMs = opts.days * 24 * 3600_000;
  const history = new OffsetHistory(redis, prefix, keepMs);
  const store = new WatchStore(redis, prefix);
  const names = Array.from({ length: opts.hosts }, (_, i) => `bench-host-${i}`);
  const next = names.map((_, i) => offsets(i + 1));
  const points = Math.floor(keepMs / (opts.intervalSeconds * 1000));
  const start = Date.now() - keepMs;
  const before = await usedMemory(redis);
  for (let t = 0; t < points; t++) {
    const at = start + t * opts.intervalSeconds * 1000;
    await history.add(
      names.map((host, i) => ({ host, observation: { at, state: 'ok', offsetSeconds: next[i]?.() ?? 0 } })),
    );
  }
  // each host's record as the watch leaves it after an ordinary check
  for (const host of names) {
    const obs = { at: Date.now(), state: 'ok' as const, offsetSeconds: 0.000012345, source: '10.0.0.1' };
    await store.commit(host, 0, step(undefined, obs, RULES, host).record);
  }
  const after = await usedMemory(redis);
  const usage = async (key: string) => Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
  const dayKeys = async (host: string) => {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(
        cursor,
        'MATCH',
        `${prefix}:drift:history-day:*:${host}`,
        'COUNT',
        1000,
      );
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    return keys;
  };
  const perHost = await Promise.all(
    names.map(async (h) => {
      const days = await dayKeys(h);
      const raw = await usage(`${prefix}:drift:history:${h}`);
      const compact = (await Promise.all(days.map(usage))).reduce((a, b) => a + b, 0);
      return { raw, total: raw + compact, days: days.length };
    }),
  );
  const historyBytes = median(perHost.map((p) => p.total));
  const rawBytes = median(perHost.map((p) => p.raw));
  const recordBytes = median(await Promise.all(names.map((h) => usage(store.key('host', h)))));
  const first = names[0] ?? '';
  const stored = (await history.read([first], start, Date.now())).get(first)?.length ?? 0;
  if (stored !== points) throw new Error(`bench: expected ${points} points in the history, found ${stored}`);
  return {
    ...opts,
    points,
    historyBytes,
    rawBytes,
    dayKeys: perHost[0]?.days ?? 0,
    recordBytes,
    usedMemoryPerHost: (after - before) / opts.hosts,
  };
}
