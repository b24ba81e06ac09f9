import type { InventoryHost } from '../inventory/index.js';

/**
 * What to run for a host missing from known_hosts: fetch its key, compare the fingerprint with the one the host
 * itself shows (on its console, not over the network being verified), and only then append it. Never done for you.
 */
export function keyscanFix(
  host: Pick<InventoryHost, 'address' | 'port' | 'name'>,
  knownHostsPath: string,
): string {
  const port = host.port === 22 ? '' : `-p ${host.port} `;
  return [
    `Run: ssh-keyscan ${port}-t ed25519 ${host.address} > /tmp/${host.name}.key && ssh-keygen -lf /tmp/${host.name}.key;`,
    `compare with "ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub" on ${host.name}'s console;`,
    `if they match: cat /tmp/${host.name}.key >> ${knownHostsPath}`,
  ].join(' ');
}
