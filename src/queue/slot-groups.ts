import { rendezvousPick } from './rendezvous.js';

/** The keys one live worker slot serves (see groupBySlot). */
export interface SlotGroup {
  slot: number;
  keys: string[];
}

/**
 * Keys (host names) grouped by the live worker slot each one goes to: `rendezvousPick(key, slots)`, so a host goes to
 * the same slot, and its worker's pooled connection, whichever job asks for it. Groups come in ascending slot order,
 * keys in the order given; slots that win no key are left out. No slot: no group.
 */
export function groupBySlot(keys: readonly string[], slots: readonly number[]): SlotGroup[] {
  const by = new Map<number, string[]>();
  for (const key of keys) {
    const slot = rendezvousPick(key, slots);
    if (slot === undefined) continue;
    const list = by.get(slot);
    if (list) list.push(key);
    else by.set(slot, [key]);
  }
  return [...by].sort((a, b) => a[0] - b[0]).map(([slot, list]) => ({ slot, keys: list }));
}
