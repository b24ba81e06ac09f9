import { stringify } from 'yaml';
import type { HostPlan } from './hosts.js';

/** The Ansible YAML inventory labops reads: all.vars, then one child group per role. */
export function inventoryText(
  hosts: HostPlan[],
  opts: { sshPort: number; keyPath: string; unauthorisedKeyPath: string },
): string {
  const group = (name: HostPlan['group']) => ({
    hosts: Object.fromEntries(
      hosts
        .filter((h) => h.group === name)
        .map((h) => [
          h.name,
          h.loginKey === 'lab'
            ? { ansible_host: h.address }
            : { ansible_host: h.address, ansible_ssh_private_key_file: opts.unauthorisedKeyPath },
        ]),
    ),
  });
  const inventory = {
    all: {
      vars: { ansible_user: 'root', ansible_port: opts.sshPort, ansible_ssh_private_key_file: opts.keyPath },
      children: { ntp_servers: group('ntp_servers'), ntp_clients: group('ntp_clients') },
    },
  };
  return `# Written by test/lab: the simulated lab's hosts.\n${stringify(inventory)}`;
}
