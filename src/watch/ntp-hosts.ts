import type { Inventory, InventoryHost } from '../inventory/index.js';

const NTP_GROUPS = ['ntp_servers', 'ntp_clients'];

/** The hosts the watch checks: groups ntp_servers and ntp_clients, or every host when neither exists. */
export function ntpHosts(inventory: Inventory): InventoryHost[] {
  const groups = NTP_GROUPS.filter((g) => inventory.groups.has(g));
  const names =
    groups.length > 0 ? groups.flatMap((g) => inventory.groups.get(g) ?? []) : [...inventory.hosts.keys()];
  return [...new Set(names)]
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((name) => inventory.hosts.get(name))
    .filter((h): h is InventoryHost => h !== undefined);
}
