import { stringify } from 'yaml';
import type { HostPlan } from './hosts.js';

/** The Ansible YAML inventory labops reads: all.vars, then one child group per role. */
export function inventoryText(
  hosts: HostPlan[],
  opts: {
    sshPort: number;
    keyPath: string;
    unauthorisedKeyPath: string;
    chronyConfOf?: (host: string) => string;
  },
): string {
  // the base lab's hosts share this machine's /etc: a changing command must write the host's own file instead
  const own = (h: HostPlan) => (opts.chronyConfOf ? { chrony_conf_path: opts.chronyConfOf(h.name) } : {});
  const group = (name: HostPlan['group']) => ({
    hosts: Object.fromEntries(
      hosts
        .filter((h) => h.group === name)
        .map((h) => [
          h.name,
          h.loginKey === 'lab'
            ? { ansible_host: h.address, ...own(h) }
            : { ansible_host: h.address, ansible_ssh_private_key_file: opts.unauthorisedKeyPath, ...own(h) },
        ]),
    ),
  });
  const inventory = {
    all: {
      vars: { ansible_user: 'root', ansible_port: opts.sshPort, ansible_ssh_private_key_file: opts.keyPath },
      children: {
        ntp_servers: group('ntp_servers'),
        ntp_clients: group('ntp_clients'),
        // only with the opt-in controller, so the default lab's inventory stays as it was
        ...(hosts.some((h) => h.group === 'openstack_controllers') && {
          openstack_controllers: {
            ...group('openstack_controllers'),
            vars: { openstack_ext_iface: 'ens33' },
          },
        }),
      },
    },
  };
  return `# Written by test/lab: the simulated lab's hosts.\n${stringify(inventory)}`;
}
