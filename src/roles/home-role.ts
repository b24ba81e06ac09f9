import type { HomeView } from '@slack/types';
import type { Queue } from 'bullmq';
import { homeView } from '../home/home-view.js';
import type { Inventory } from '../inventory/index.js';
import { type Labs, labsHomeOf } from './labs.js';
import type { Stores } from './stores.js';

/**
 * The App Home tab as it stands now: without LAB_POLICY the one lab's, as always; with it, for this user, each lab
 * where they have a role.
 */
export function homeOf(deps: {
  labs: Labs;
  queue: Queue;
  stores: Stores;
  /** The policy-less lab's inventory. */
  inventory: Inventory;
}): (user?: string) => Promise<HomeView> {
  const { labs, queue, stores, inventory } = deps;
  return (user) =>
    labs.policy().fromFile
      ? labsHomeOf(labs, user, (lab, s) =>
          homeView({
            inventory: lab.inventory,
            last: s.lastNtp,
            queue,
            silences: s.silences,
            lab: lab.name,
            now: Date.now,
          }),
        )
      : homeView({ inventory, last: stores.lastNtp, queue, silences: stores.silences, now: Date.now });
}
