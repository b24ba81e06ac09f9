/**
 * Worker slots: stable homes for work that should stay on one process (its SSH pool already holds the hosts'
 * connections), with failover when that process dies. Generic: the caller names the Redis key and says what
 * serving a slot means (typically a BullMQ Worker on a queue of the slot's own) and whether a slot has work left.
 *
 * - `startWorkerSlots(opts)` claims the process's home slot, the lowest free number (`SET <key>:<n> "home <owner>"
 *   NX PX ttlMs`), calls `opts.serve(n)` and renews the claim every third of ttlMs. A process that cannot get one
 *   (all `maxSlots` held) serves none and tries again each round.
 * - Failover, each round: a known slot that nobody holds (its process died: the claim expired) but for which
 *   `opts.pending(n)` says work is left is adopted (`SET NX`, so one adopter) and served too; an adopted slot
 *   is given back (released, its consumer closed) once `pending` says it is empty. A claim lost to another
 *   process (this one stalled longer than ttlMs) stops being served; a lost home is replaced by a new one.
 * - Routing, anywhere (no slot needed): `liveSlots(redis, key)` lists the home slots of live processes and
 *   `rendezvousPick(workKey, slots)` picks the one for a piece of work: the same piece goes to the same slot while
 *   the set of slots stays, and only the pieces of a slot that appears or disappears move. Adopted slots are not
 *   routed to, so they drain. Work routed to a slot that has just gone free is still served: the next round of any
 *   process adopts it.
 * - `close()` stops the rounds, closes every consumer (letting it finish what it runs), then releases the claims.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import { SlotClaims, type SlotHolder, type SlotKind } from './slot-claims.js';

/** What serves a slot, e.g. a BullMQ Worker on the slot's queue; close() lets what it runs finish. */
export interface SlotConsumer {
  close(): Promise<unknown>;
}

export interface WorkerSlotsOptions {
  redis: Redis;
  /** The slots' Redis key base (e.g. `<prefix>:worker:slot`): one set of slots per group of work. */
  key: string;
  /** This process, unique among live ones: 1-200 printable characters without spaces. */
  owner: string;
  /** A claim not renewed for this long is free: how soon a dead process's slot is adopted. */
  ttlMs: number;
  maxSlots?: number;
  /** Starts serving slot n (home or adopted). */
  serve(slot: number): SlotConsumer;
  /** Whether slot n still has work (e.g. jobs waiting, active or delayed on its queue). */
  pending(slot: number): Promise<boolean>;
  log: Logger;
}

export interface WorkerSlots {
  /** This process's home slot; undefined while it has none. */
  home(): number | undefined;
  /** Every slot this process serves now, and how it holds it. */
  held(): ReadonlyMap<number, SlotKind>;
  close(): Promise<void>;
}

interface Held {
  kind: SlotKind;
  consumer: SlotConsumer;
}

export async function startWorkerSlots(o: WorkerSlotsOptions): Promise<WorkerSlots> {
  const claims = new SlotClaims(o.redis, o.key, o.maxSlots);
  const held = new Map<number, Held>();
  const as = (kind: SlotKind): SlotHolder => ({ kind, owner: o.owner });
  let closing = false;

  const serve = (slot: number, kind: SlotKind) => held.set(slot, { kind, consumer: o.serve(slot) });
  const drop = async (slot: number) => {
    const h = held.get(slot);
    held.delete(slot);
    await h?.consumer.close();
  };
  const homeSlot = () => [...held].find(([, h]) => h.kind === 'home')?.[0];
  const claimHome = async () => {
    const slot = await claims.claimLowest(as('home'), o.ttlMs);
    if (slot === undefined) o.log.warn({ key: o.key }, 'no free worker slot: this process serves none');
    else serve(slot, 'home');
  };

  const renewAll = async () => {
    for (const [slot, h] of [...held]) {
      if (await claims.renew(slot, as(h.kind), o.ttlMs)) continue;
      o.log.warn({ slot, kind: h.kind }, 'worker slot taken over by another process while this one stalled');
      void drop(slot).catch((err: Error) =>
        o.log.warn({ slot, msg: err.message }, 'slot consumer not closed'),
      );
    }
    if (homeSlot() === undefined) await claimHome();
  };
  const adoptFree = async (states: Awaited<ReturnType<SlotClaims['read']>>) => {
    for (const [slot, state] of states) {
      if (state !== 'free' || held.has(slot) || !(await o.pending(slot))) continue;
      if (!(await claims.claim(slot, as('adopted'), o.ttlMs))) continue; // another process was quicker
      o.log.info({ slot }, 'worker slot adopted: its process stopped renewing it and work is left on it');
      serve(slot, 'adopted');
    }
  };
  const giveBack = async (adoptedNow: Set<number>) => {
    for (const [slot, h] of [...held]) {
      if (h.kind !== 'adopted' || adoptedNow.has(slot) || (await o.pending(slot))) continue;
      await claims.release(slot, as('adopted'));
      await drop(slot);
      o.log.info({ slot }, 'adopted worker slot given back: its work is done');
    }
  };
  const round = async () => {
    await renewAll();
    const before = new Set(held.keys());
    await adoptFree(await claims.read());
    await giveBack(new Set([...held.keys()].filter((s) => !before.has(s))));
  };

  await claimHome();
  let running: Promise<void> | undefined;
  const timer = setInterval(
    () => {
      if (running || closing) return;
      running = round()
        .catch((err: Error) => o.log.warn({ msg: err.message }, 'worker slots not renewed; trying again'))
        .finally(() => {
          running = undefined;
        });
    },
    Math.max(100, Math.floor(o.ttlMs / 3)),
  );
  timer.unref();

  return {
    home: homeSlot,
    held: () => new Map([...held].map(([slot, h]) => [slot, h.kind])),
    async close() {
      closing = true;
      clearInterval(timer);
      await running;
      const slots = [...held];
      await Promise.all(slots.map(([slot]) => drop(slot)));
      // released after the consumers stop: nobody adopts a slot whose jobs are still running here
      for (const [slot, h] of slots)
        await claims
          .release(slot, as(h.kind))
          .catch((err: Error) => o.log.warn({ slot, msg: err.message }, 'worker slot not released'));
    },
  };
}
