import { describe, expect, it } from 'vitest';
import { slotServices } from '../../../src/queue/slot-services.js';

/** A service that records what it serves: "name@slot" while open. */
function recorder(name: string, open: Set<string>) {
  return {
    serve(slot: number) {
      open.add(`${name}@${slot}`);
      return { close: async () => open.delete(`${name}@${slot}`) };
    },
  };
}

describe('what a worker slot serves, composed', () => {
  it('serves every attached service on every held slot; closing the slot closes them all', async () => {
    const open = new Set<string>();
    const services = slotServices();
    services.attach('status', recorder('status', open));
    const slot0 = services.serve(0);
    expect([...open]).toEqual(['status@0']);
    // a service attached later (the watch starting) joins the slots held now and the ones held later
    services.attach('watch', recorder('watch', open));
    expect([...open].sort()).toEqual(['status@0', 'watch@0']);
    services.serve(3);
    expect([...open].sort()).toEqual(['status@0', 'status@3', 'watch@0', 'watch@3']);
    await slot0.close();
    expect([...open].sort()).toEqual(['status@3', 'watch@3']);
  });

  it('detach closes only that service, on every slot, and leaves it out of slots held later', async () => {
    const open = new Set<string>();
    const services = slotServices();
    services.attach('status', recorder('status', open));
    const detach = services.attach('watch', recorder('watch', open));
    services.serve(1);
    services.serve(2);
    await detach(); // the watch stopped (a reload took the alert channel away)
    expect([...open].sort()).toEqual(['status@1', 'status@2']);
    services.serve(4);
    expect([...open].sort()).toEqual(['status@1', 'status@2', 'status@4']);
  });

  it('a name attached again replaces the earlier service (a restarted watch), whose late detach leaves the new one', async () => {
    const open = new Set<string>();
    const services = slotServices();
    services.serve(0);
    const first = services.attach('watch', recorder('old', open));
    services.attach('watch', recorder('new', open));
    await first();
    expect([...open]).toEqual(['new@0']);
  });
});
