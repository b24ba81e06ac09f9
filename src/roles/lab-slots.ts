import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import { shardQueueFor } from '../ntp-shards/shard-job.js';
import type { Lab } from '../policy/policy.js';
import { slotBacklog } from '../queue/slot-backlog.js';
import { liveSlots } from '../queue/slot-claims.js';
import { type SlotServices, slotServices } from '../queue/slot-services.js';
import { workerSlotKey } from '../queue/worker-slot-key.js';
import { startWorkerSlots } from '../queue/worker-slots.js';
import { shardQueueName } from '../watch/watch-queue.js';

/** A lab's worker slot of this process: what it serves (attach a kind of work) and the lab's live slots. */
export interface LabSlots {
  /** This process's name as the slots' owner: the name its Workers give the jobs they run (processedBy). */
  owner: string;
  services: SlotServices;
  live(): Promise<number[]>;
}

export interface LabSlotsDeps {
  redis: Redis;
  connection: Redis;
  /** This process among the live ones (the slot claims' owner). */
  owner: string;
  /** A claim lives this long unrenewed (LAB_JOB_LOCK_MS): how soon a dead worker's slot is adopted. */
  ttlMs: number;
  /** Serves the lab's ntp status shards of slot n (on shardQueueFor(n) under the lab's key prefix). */
  ntpShards(slot: number, lab: Lab): { close(): Promise<unknown> };
  log: Logger;
}

/**
 * One worker slot per lab for this process (key `<lab.keyPrefix>:worker:slot`), held as long as the worker role
 * runs: it always serves the lab's ntp status shards routed to it, and whatever else is attached (the lab's drift
 * watch shards while its watch runs). A slot counts as having work while any of its queues does, so a dead worker's
 * slot is adopted for both kinds. Made when a lab is first asked for (a reload may add labs).
 */
export function labSlots(deps: LabSlotsDeps) {
  const byPrefix = new Map<string, Promise<{ slots: LabSlots; close(): Promise<unknown> }>>();
  const start = async (lab: Lab) => {
    const prefix = lab.keyPrefix;
    const services = slotServices();
    services.attach('ntp-status', { serve: (slot) => deps.ntpShards(slot, lab) });
    const backlog = slotBacklog(deps.connection, (slot) => [
      { name: shardQueueFor(slot), prefix },
      { name: shardQueueName(slot), prefix },
    ]);
    const key = workerSlotKey(prefix);
    const held = await startWorkerSlots({
      redis: deps.redis,
      key,
      owner: deps.owner,
      ttlMs: deps.ttlMs,
      serve: services.serve,
      pending: backlog.pending,
      log: deps.log.child({ slots: key }),
    });
    return {
      slots: { owner: deps.owner, services, live: () => liveSlots(deps.redis, key) },
      close: async () => {
        await held.close();
        await backlog.close();
      },
    };
  };
  return {
    of: async (lab: Lab): Promise<LabSlots> => {
      let made = byPrefix.get(lab.keyPrefix);
      if (!made) {
        made = start(lab);
        byPrefix.set(lab.keyPrefix, made);
        made.catch(() => byPrefix.delete(lab.keyPrefix)); // asked again, tried again
      }
      return (await made).slots;
    },
    /** The live slots under a lab's key prefix (anyone's, not only this process's). */
    live: (prefix: string) => liveSlots(deps.redis, workerSlotKey(prefix)),
    async close() {
      const all = [...byPrefix.values()];
      byPrefix.clear();
      await Promise.all(
        all.map((p) =>
          p.then(
            (s) => s.close(),
            () => undefined,
          ),
        ),
      );
    },
  };
}
