import { describe, expect, it } from 'vitest';
import { UserInputError } from '../../../src/errors.js';
import { externalInterface } from '../../../src/tasks/controller/external-interface.js';
import { desiredNetworks } from '../../../src/tasks/network/desired-networks.js';

describe('desiredNetworks', () => {
  it("defaults to the runbook's layout", () => {
    expect(desiredNetworks({}, 'controller')).toEqual({
      external: {
        name: 'ext1',
        external: true,
        physicalNetwork: 'extnet',
        subnet: {
          name: 'subext1',
          cidr: '10.0.0.0/24',
          gateway: '10.0.0.2',
          dns: ['10.0.0.2'],
          dhcp: false,
          pool: { start: '10.0.0.210', end: '10.0.0.220' },
        },
      },
      internal: {
        name: 'int1',
        external: false,
        subnet: {
          name: 'subint1',
          cidr: '192.168.0.0/24',
          gateway: '192.168.0.254',
          dns: ['10.0.0.2'],
          dhcp: true,
          pool: undefined,
        },
      },
      router: 'router1',
    });
  });

  it('takes overrides field by field from openstack_networks; a single DNS may be a string', () => {
    const d = desiredNetworks(
      {
        openstack_networks: {
          external: {
            cidr: '172.24.4.0/24',
            gateway: '172.24.4.1',
            dns: '1.1.1.1',
            allocation_pool: { start: '172.24.4.100', end: '172.24.4.150' },
          },
          internal: { name: 'private', allocation_pool: { start: '192.168.0.10', end: '192.168.0.99' } },
          router: 'edge',
        },
      },
      'controller',
    );
    expect(d.external).toMatchObject({
      name: 'ext1',
      subnet: { cidr: '172.24.4.0/24', gateway: '172.24.4.1', dns: ['1.1.1.1'] },
    });
    expect(d.internal).toMatchObject({
      name: 'private',
      subnet: { name: 'subint1', pool: { start: '192.168.0.10', end: '192.168.0.99' } },
    });
    expect(d.router).toBe('edge');
  });

  it('refuses values that would make a bad command or a subnet Neutron would change, naming each variable', () => {
    const bad = (vars: Record<string, unknown>) => () =>
      desiredNetworks({ openstack_networks: vars }, 'controller');
    expect(bad({ external: { cidr: '10.0.0.5/24' } })).toThrow(
      /openstack_networks\.external\.cidr: must be the network address/,
    );
    expect(bad({ external: { gateway: '10.0.1.2' } })).toThrow(
      /external\.gateway: must be a host address inside 10\.0\.0\.0\/24/,
    );
    expect(bad({ external: { allocation_pool: { start: '10.0.0.1', end: '10.0.0.9' } } })).toThrow(
      /must not contain the gateway 10\.0\.0\.2/,
    );
    expect(bad({ external: { allocation_pool: { start: '10.0.0.220', end: '10.0.0.210' } } })).toThrow(
      /start must not be after end/,
    );
    expect(bad({ internal: { name: 'int1; reboot' } })).toThrow(/internal\.name: must be letters, digits/);
    expect(bad({ internal: { name: '--external' } })).toThrow(UserInputError);
    expect(bad({ internal: { dns: ['8.8.8.8', '$(id)'] } })).toThrow(
      /internal\.dns\.1: must be an IPv4 address/,
    );
    expect(bad({ router: 'ext1', internal: { name: 'ext1' } })).toThrow(
      /internal\.name: must differ from the external network name/,
    );
    expect(bad({ external: { mtu: 9000 } })).toThrow(/Unrecognized key/);
    expect(bad({ external: { cidr: '10.0.0.0/33' } })).toThrow(/must be an IPv4 CIDR/);
  });
});

describe('externalInterface', () => {
  it('is ens33 unless openstack_ext_iface says otherwise, and must be an interface name', () => {
    expect(externalInterface({}, 'controller')).toBe('ens33');
    expect(externalInterface({ openstack_ext_iface: 'eth1' }, 'controller')).toBe('eth1');
    expect(() => externalInterface({ openstack_ext_iface: 'eth1; reboot' }, 'controller')).toThrow(
      UserInputError,
    );
  });
});
