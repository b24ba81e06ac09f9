import { UserInputError } from '../../errors.js';
import { type Inventory, type InventoryHost, resolveTargets } from '../../inventory/index.js';

/** The inventory group whose single host runs the OpenStack APIs and the openstack CLI. */
export const CONTROLLERS_GROUP = 'openstack_controllers';

/** The one controller a network command runs on: the named host or group, else openstack_controllers. */
export function resolveController(inventory: Inventory, target: string | undefined): InventoryHost {
  if (target === undefined && !inventory.groups.has(CONTROLLERS_GROUP)) {
    throw new UserInputError(
      `The inventory has no \`${CONTROLLERS_GROUP}\` group: add the controller to it, or name the controller host.`,
    );
  }
  const targets = resolveTargets(inventory, target, CONTROLLERS_GROUP);
  const [host, ...more] = targets.hosts;
  if (!host || more.length > 0) {
    throw new UserInputError(
      `Network commands run on one controller, and ${targets.label} has ${targets.hosts.length} hosts: name one (${targets.hosts
        .slice(0, 5)
        .map((h) => h.name)
        .join(', ')}).`,
    );
  }
  return host;
}
