import type { SlotConsumer } from './worker-slots.js';

/** One kind of work a worker slot serves, e.g. a BullMQ Worker on the slot's queue for that work. */
export interface SlotService {
  serve(slot: number): SlotConsumer;
}

export interface SlotServices {
  /** For startWorkerSlots' serve: every service attached now, on slot n; closing it closes them all. */
  serve(slot: number): SlotConsumer;
  /**
   * Adds a service: it starts on every slot served now and on every slot served later, until the returned detach()
   * closes its consumers (what they run finishes first). A name attached again replaces the earlier service.
   */
  attach(name: string, service: SlotService): () => Promise<void>;
}

/**
 * What a held worker slot serves, composed: several kinds of work (an ntp status's shards always, the drift watch's
 * shards while that watch runs) share one slot per process, so a host routed to a slot is on one worker whichever
 * kind of job asks for it. Generic, like worker-slots.ts: the services say what serving a slot means.
 */
export function slotServices(): SlotServices {
  const services = new Map<string, SlotService>();
  // slot -> service name -> its consumer on that slot
  const served = new Map<number, Map<string, SlotConsumer>>();
  const detachFrom = (name: string) =>
    Promise.all(
      [...served.values()].map((consumers) => {
        const c = consumers.get(name);
        consumers.delete(name);
        return c?.close();
      }),
    );
  return {
    serve(slot) {
      const consumers = new Map([...services].map(([name, s]) => [name, s.serve(slot)] as const));
      served.set(slot, consumers);
      return {
        async close() {
          if (served.get(slot) === consumers) served.delete(slot);
          await Promise.all([...consumers.values()].map((c) => c.close()));
        },
      };
    },
    attach(name, service) {
      const before = detachFrom(name);
      services.set(name, service);
      for (const [slot, consumers] of served) consumers.set(name, service.serve(slot));
      return async () => {
        await before;
        if (services.get(name) !== service) return; // replaced meanwhile: the newer one stays
        services.delete(name);
        await detachFrom(name);
      };
    },
  };
}
