import { UserInputError } from '../../errors.js';
import { type Inventory, type InventoryHost, resolveTargets, type Targets } from '../../inventory/index.js';

export type NtpRole = 'server' | 'client';

export const ROLE_LABEL: Readonly<Record<NtpRole, string>> = { server: 'time server', client: 'client' };

export const SERVERS_GROUP = 'ntp_servers';
export const CLIENTS_GROUP = 'ntp_clients';

/** A host in ntp_servers is a time server (even if also listed as a client); in ntp_clients, a client. */
export function ntpRole(host: InventoryHost): NtpRole | undefined {
  if (host.groups.includes(SERVERS_GROUP)) return 'server';
  if (host.groups.includes(CLIENTS_GROUP)) return 'client';
  return undefined;
}

function rank(host: InventoryHost): number {
  const role = ntpRole(host);
  return role === 'server' ? 0 : role === 'client' ? 1 : 2;
}

/** Time servers first (clients need them), then clients, then hosts of neither group; by name within each. */
export function serversFirst(hosts: readonly InventoryHost[]): InventoryHost[] {
  return [...hosts].sort(
    (a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name, 'en', { numeric: true }),
  );
}

/** The hosts `/lab ntp setup` acts on: the target, or by default every time server and then every client. */
export function ntpTargets(inventory: Inventory, target: string | undefined): Targets {
  if (target !== undefined) {
    const t = resolveTargets(inventory, target);
    return { ...t, hosts: serversFirst(t.hosts) };
  }
  const names = [SERVERS_GROUP, CLIENTS_GROUP].filter((g) => (inventory.groups.get(g)?.length ?? 0) > 0);
  if (names.length === 0) {
    throw new UserInputError(
      `The inventory has no ${SERVERS_GROUP} or ${CLIENTS_GROUP} group: nothing to set up. Name a group or host.`,
    );
  }
  const hosts = names.flatMap((g) => resolveTargets(inventory, g).hosts);
  const unique = [...new Map(hosts.map((h) => [h.name, h])).values()];
  return { label: names.join(' and '), hosts: serversFirst(unique) };
}

/** What clients point at: the address (ansible_host) of every time server, by host name. */
export function timeServerAddresses(inventory: Inventory): string[] {
  const names = inventory.groups.get(SERVERS_GROUP) ?? [];
  return names.flatMap((n) => {
    const host = inventory.hosts.get(n);
    return host ? [host.address] : [];
  });
}
