import { describe, expect, it } from 'vitest';
import { UserInputError } from '../../src/errors.js';
import { InventoryError, parseInventory, resolveTargets } from '../../src/inventory/index.js';

const defaults = { user: 'labops', keyPath: '/keys/default' };

const INVENTORY = `
all:
  vars:
    ansible_user: root
    ansible_port: 2222
  hosts:
    controller:
      ansible_host: 10.0.0.100
      ansible_port: 22
      openstack_ext_iface: ens33
  children:
    ntp_servers:
      vars:
        ntp_local_stratum: 3
      hosts:
        ntp1: { ansible_host: 192.168.178.44 }
        ntp2:
    ntp_clients:
      hosts:
        compute1: { ansible_host: compute1.lab.example, ansible_ssh_private_key_file: /keys/compute }
      children:
        openstack_controllers:
          hosts:
            controller:
`;

describe('parseInventory', () => {
  const inv = parseInventory(INVENTORY, 'inventory.yml', defaults);

  it('merges vars outer group first, host last, and keeps unknown keys', () => {
    const controller = inv.hosts.get('controller');
    expect(controller).toMatchObject({
      address: '10.0.0.100',
      port: 22,
      user: 'root',
      keyPath: '/keys/default',
    });
    expect(controller?.vars.openstack_ext_iface).toBe('ens33');
    expect(inv.hosts.get('ntp1')).toMatchObject({ address: '192.168.178.44', port: 2222 });
    expect(inv.hosts.get('ntp1')?.vars.ntp_local_stratum).toBe(3);
    expect(inv.hosts.get('compute1')).toMatchObject({
      keyPath: '/keys/compute',
      address: 'compute1.lab.example',
    });
  });

  it('uses the host name as address when ansible_host is missing', () => {
    expect(inv.hosts.get('ntp2')?.address).toBe('ntp2');
  });

  it('includes child groups in their parents', () => {
    expect(inv.groups.get('ntp_clients')).toEqual(['compute1', 'controller']);
    expect(inv.groups.get('openstack_controllers')).toEqual(['controller']);
    expect(inv.groups.get('all')).toHaveLength(4);
    expect(inv.hosts.get('controller')?.groups.sort()).toEqual(['ntp_clients', 'openstack_controllers']);
  });

  it('names the path of a bad key', () => {
    const bad = 'all:\n  children:\n    ntp_clients:\n      hosts:\n        c1: { ansible_port: seventy }\n';
    expect(() => parseInventory(bad, 'inv.yml', defaults)).toThrow(
      /inv\.yml.*\n.*all\.children\.ntp_clients\.hosts\.c1\.ansible_port/,
    );
    const badHost = 'all:\n  hosts:\n    c1: { ansible_host: "a b; rm -rf /" }\n';
    expect(() => parseInventory(badHost, 'inv.yml', defaults)).toThrow(
      /all\.hosts\.c1\.ansible_host: must be an IP address or a DNS name/,
    );
  });

  it('rejects YAML errors and a missing all: key', () => {
    expect(() => parseInventory('all: [', 'x.yml', defaults)).toThrow(InventoryError);
    expect(() => parseInventory('hosts: {}', 'x.yml', defaults)).toThrow(/top-level "all:"/);
  });
});

describe('resolveTargets', () => {
  const inv = parseInventory(INVENTORY, 'inventory.yml', defaults);
  it('resolves all, a group and a host', () => {
    expect(resolveTargets(inv, undefined).hosts).toHaveLength(4);
    expect(resolveTargets(inv, 'all').label).toBe('all hosts');
    expect(resolveTargets(inv, 'ntp_servers').hosts.map((h) => h.name)).toEqual(['ntp1', 'ntp2']);
    expect(resolveTargets(inv, 'ntp1')).toMatchObject({ label: 'host ntp1' });
  });
  it('says what is valid for an unknown target', () => {
    expect(() => resolveTargets(inv, 'nope')).toThrow(UserInputError);
    expect(() => resolveTargets(inv, 'nope')).toThrow(
      /Unknown target `nope`.*ntp_clients.*ntp_servers.*compute1/,
    );
  });
});
