import { UserInputError } from '../errors.js';
import type { Inventory, InventoryHost } from './schema.js';

export interface Targets {
  /** What the user asked for, as shown back to them ("all hosts", "group ntp_clients", "host ntp1"). */
  label: string;
  hosts: InventoryHost[];
}

/** "all" (or nothing), a group name, or a host name. Groups win over hosts of the same name, as in Ansible. */
export function resolveTargets(
  inventory: Inventory,
  target: string | undefined,
  fallbackGroup = 'all',
): Targets {
  const name = target ?? fallbackGroup;
  const group = inventory.groups.get(name);
  if (group) {
    const hosts = group.map((h) => inventory.hosts.get(h)).filter((h): h is InventoryHost => h !== undefined);
    if (hosts.length === 0) throw new UserInputError(`Group \`${name}\` has no hosts in the inventory.`);
    return { label: name === 'all' ? 'all hosts' : `group ${name}`, hosts };
  }
  const host = inventory.hosts.get(name);
  if (host) return { label: `host ${name}`, hosts: [host] };
  throw new UserInputError(`Unknown target \`${name}\`. ${describeTargets(inventory)}`);
}

export function describeTargets(inventory: Inventory): string {
  const groups = [...inventory.groups.keys()].filter((g) => g !== 'all').sort();
  const hosts = [...inventory.hosts.keys()].sort();
  const shown = hosts.slice(0, 20).join(', ') + (hosts.length > 20 ? `, … (${hosts.length} in all)` : '');
  return `Valid targets: \`all\`, a group (${groups.join(', ') || 'none'}) or a host (${shown || 'none'}).`;
}
