import type { Redis } from 'ioredis';

/** A slot a process runs as its own (`home`: work is routed to it) or holds for a dead one until drained (`adopted`). */
export type SlotKind = 'home' | 'adopted';
export interface SlotHolder {
  kind: SlotKind;
  owner: string;
}
/** What a slot's key says: held by someone, free, or something no labops wrote (never taken over). */
export type SlotState = SlotHolder | 'free' | 'unknown';

/** Slot numbers are below this unless the caller says otherwise: more processes than this serve no slot. */
export const MAX_SLOTS = 64;

const OWNER = /^[\x21-\x7e]{1,200}$/;
const VALUE = /^(home|adopted) ([\x21-\x7e]{1,200})$/;

export function slotValue(h: SlotHolder): string {
  if (!OWNER.test(h.owner))
    throw new RangeError(`a slot owner is 1-200 printable characters, not "${h.owner}"`);
  return `${h.kind} ${h.owner}`;
}

/** A slot key's value as read from Redis (checked like any input). */
export function slotStateOf(value: string | null): SlotState {
  if (value === null) return 'free';
  const m = VALUE.exec(value);
  return m ? { kind: m[1] as SlotKind, owner: m[2] as string } : 'unknown';
}

// the holder's claim lives on for ttl; a claim gone meanwhile (expired while Redis or this process stalled, or a
// Redis that restarted empty) is taken again if still free, and the slot known again. 1: held, 0: someone else has it
const RENEW = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if v then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
return 1`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * The Redis side of worker slots (see worker-slots.ts): slot n is the key `<key>:<n>` holding "home|adopted
 * <owner>" with a TTL; `<key>:known` is the set of slot numbers ever claimed, so that a free slot whose work is
 * left over can be found without trying every number.
 */
export class SlotClaims {
  constructor(
    private readonly redis: Redis,
    readonly key: string,
    readonly maxSlots = MAX_SLOTS,
  ) {}

  keyOf = (slot: number) => `${this.key}:${slot}`;

  /** Takes a free slot (SET NX PX): true when this holder has it now. */
  async claim(slot: number, holder: SlotHolder, ttlMs: number): Promise<boolean> {
    const ok = await this.redis.set(this.keyOf(slot), slotValue(holder), 'PX', ttlMs, 'NX');
    if (ok === 'OK') await this.redis.sadd(`${this.key}:known`, String(slot));
    return ok === 'OK';
  }

  /** The lowest free slot, claimed for holder; undefined when all maxSlots are held. */
  async claimLowest(holder: SlotHolder, ttlMs: number): Promise<number | undefined> {
    const slots = Array.from({ length: this.maxSlots }, (_, n) => n);
    const values = await this.redis.mget(...slots.map(this.keyOf));
    for (const n of slots) if (values[n] === null && (await this.claim(n, holder, ttlMs))) return n;
    return undefined;
  }

  /** Keeps holder's claim alive for ttlMs more; false when another process holds the slot now. */
  async renew(slot: number, holder: SlotHolder, ttlMs: number): Promise<boolean> {
    const keys = [this.keyOf(slot), `${this.key}:known`];
    return (await this.redis.eval(RENEW, 2, ...keys, slotValue(holder), String(ttlMs), String(slot))) === 1;
  }

  /** Frees the slot if holder still has it. */
  async release(slot: number, holder: SlotHolder): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.keyOf(slot), slotValue(holder));
  }

  /** Every slot ever claimed and what its key says now, by slot number. */
  async read(): Promise<Map<number, SlotState>> {
    const known = (await this.redis.smembers(`${this.key}:known`))
      .map(Number)
      .filter((n) => Number.isInteger(n) && n >= 0 && n < this.maxSlots)
      .sort((a, b) => a - b);
    if (known.length === 0) return new Map();
    const values = await this.redis.mget(...known.map(this.keyOf));
    return new Map(known.map((n, i) => [n, slotStateOf(values[i] ?? null)]));
  }
}

/** The slots a live process runs as its own, ascending: where work is routed (see rendezvousPick). */
export async function liveSlots(redis: Redis, key: string, maxSlots = MAX_SLOTS): Promise<number[]> {
  const states = await new SlotClaims(redis, key, maxSlots).read();
  return [...states].flatMap(([n, s]) => (typeof s === 'object' && s.kind === 'home' ? [n] : []));
}
