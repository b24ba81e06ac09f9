import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { FleetHost } from './fleet-plan.js';

export interface FleetFiles {
  dir: string;
  inventoryPath: string;
  knownHostsPath: string;
  /** The client key every host accepts (ansible_ssh_private_key_file). */
  keyPath: string;
}

const known = (address: string, port: number) => (port === 22 ? address : `[${address}]:${port}`);

/**
 * The files labops reads: an Ansible YAML inventory (group `fleet`, subgroups by state so a test can aim at
 * one), a known_hosts with each host's key (a wrong-key host's line holds a key it does not present), the key.
 */
export function writeFleetFiles(
  dir: string,
  hosts: FleetHost[],
  o: { port: number; clientPrivateKey: string; knownKeyOf: (h: FleetHost) => string },
): FleetFiles {
  mkdirSync(dir, { recursive: true });
  const keyPath = join(dir, 'client_ed25519');
  writeFileSync(keyPath, o.clientPrivateKey);
  chmodSync(keyPath, 0o600);
  const knownHostsPath = join(dir, 'known_hosts');
  writeFileSync(
    knownHostsPath,
    hosts.map((h) => `${known(h.address, o.port)} ${o.knownKeyOf(h)}\n`).join(''),
  );
  const byState = (state: FleetHost['state']) =>
    Object.fromEntries(
      hosts.filter((h) => h.state === state).map((h) => [h.name, { ansible_host: h.address }]),
    );
  const inventory = {
    all: {
      vars: { ansible_user: 'root', ansible_port: o.port, ansible_ssh_private_key_file: keyPath },
      children: {
        fleet: {
          children: {
            fleet_sync: { hosts: byState('sync') },
            fleet_drift: { hosts: byState('drift') },
            fleet_unsync: { hosts: byState('unsync') },
            fleet_daemon_down: { hosts: byState('daemon-down') },
          },
        },
      },
    },
  };
  const inventoryPath = join(dir, 'inventory.yml');
  writeFileSync(
    inventoryPath,
    `# Written by test/fleet: ${hosts.length} simulated hosts.\n${stringify(inventory)}`,
  );
  return { dir, inventoryPath, knownHostsPath, keyPath };
}
