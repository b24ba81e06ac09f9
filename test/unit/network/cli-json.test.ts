import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import {
  agentsFromList,
  networkFromShow,
  networksFromList,
  routerFromShow,
  routersFromList,
  subnetsFromList,
} from '../../../src/tasks/controller/cli-json.js';
import { json } from './fixtures.js';

describe('openstack CLI JSON', () => {
  it('reads network list --long: external from Router Type, the network type, subnet ids', () => {
    const [ext1, int1] = networksFromList(json('network-list-long.json.txt'));
    expect(ext1).toMatchObject({ name: 'ext1', external: true, networkType: 'flat', status: 'ACTIVE' });
    expect(ext1?.subnetIds).toHaveLength(1);
    expect(int1).toMatchObject({ name: 'int1', external: false, networkType: 'vxlan' });
    expect(ext1?.physicalNetwork).toBeUndefined(); // only network show says
  });

  it('reads the short network list of the shared sample (no --long columns)', () => {
    expect(networksFromList(json('network-list-short.json.txt'))).toEqual([
      {
        id: 'd32019d3-bc6e-4319-9c1d-6722fc136a22',
        name: 'ext1',
        external: false,
        status: undefined,
        networkType: undefined,
        subnetIds: ['54d6f61d-db07-451c-9ab3-b9609b6b6f0b'],
      },
      {
        id: 'db193ab3-96e3-4cb3-8fc5-05f4296d0324',
        name: 'int1',
        external: false,
        status: undefined,
        networkType: undefined,
        subnetIds: [],
      },
    ]);
  });

  it('reads network show: the provider physical network', () => {
    expect(networkFromShow(json('network-show-ext1.json.txt'))).toMatchObject({
      name: 'ext1',
      external: true,
      networkType: 'flat',
      physicalNetwork: 'extnet',
    });
  });

  it('reads subnet list --long: CIDR, gateway, DHCP, DNS, pools', () => {
    const [subext1, subint1] = subnetsFromList(json('subnet-list-long.json.txt'));
    expect(subext1).toMatchObject({
      name: 'subext1',
      cidr: '10.0.0.0/24',
      gateway: '10.0.0.2',
      dhcp: false,
      dns: ['10.0.0.2'],
      pools: [{ start: '10.0.0.210', end: '10.0.0.220' }],
    });
    expect(subint1).toMatchObject({
      name: 'subint1',
      dhcp: true,
      pools: [{ start: '192.168.0.1', end: '192.168.0.253' }],
    });
  });

  it('reads routers: the gateway from the list, the interfaces from router show', () => {
    const [listed] = routersFromList(json('router-list-long.json.txt'));
    expect(listed).toMatchObject({ name: 'router1', gateway: { ips: ['10.0.0.210'] } });
    expect(listed?.interfaces).toBeUndefined();
    const shown = routerFromShow(json('router-show.json.txt'));
    expect(shown.gateway?.networkId).toBe(listed?.gateway?.networkId);
    expect(shown.interfaces).toEqual([
      { subnetId: '38cae0a4-b863-4970-97a0-c6820b28bb7c', ip: '192.168.0.254', portId: expect.any(String) },
    ]);
  });

  it('reads agents: alive and admin state', () => {
    const agents = agentsFromList(json('network-agent-list.json.txt'));
    expect(agents.map((a) => a.binary)).toEqual([
      'neutron-openvswitch-agent',
      'neutron-dhcp-agent',
      'neutron-l3-agent',
      'neutron-metadata-agent',
    ]);
    expect(agents.every((a) => a.alive && a.adminUp && a.host === 'controller')).toBe(true);
  });

  it('also reads the formatted strings older clients printed with -f json', () => {
    const [n] = networksFromList([{ ID: 'n1', Name: 'ext1', Subnets: 's1, s2', 'Router Type': 'External' }]);
    expect(n).toMatchObject({ external: true, subnetIds: ['s1', 's2'] });
    const [s] = subnetsFromList([
      {
        ID: 's1',
        Name: 'a',
        Network: 'n1',
        Subnet: '10.0.0.0/24',
        DHCP: 'False',
        'Name Servers': '10.0.0.2',
        'Allocation Pools': '10.0.0.210-10.0.0.220',
        Gateway: '10.0.0.2',
      },
    ]);
    expect(s).toMatchObject({
      dhcp: false,
      dns: ['10.0.0.2'],
      pools: [{ start: '10.0.0.210', end: '10.0.0.220' }],
    });
    const [r] = routersFromList([
      {
        ID: 'r1',
        Name: 'router1',
        'External gateway info':
          '{"network_id": "n1", "external_fixed_ips": [{"subnet_id": "s1", "ip_address": "10.0.0.211"}]}',
      },
    ]);
    expect(r?.gateway).toEqual({ networkId: 'n1', ips: ['10.0.0.211'] });
    expect(
      agentsFromList([
        { ID: 'a', 'Agent Type': 'L3 agent', Host: 'c', Alive: 'XXX', State: 'UP', Binary: 'b' },
      ])[0]?.alive,
    ).toBe(false);
  });

  it('throws ParseError naming the field when the shape is unknown', () => {
    expect(() => networksFromList({ networks: [] })).toThrow(ParseError);
    expect(() => subnetsFromList([{ ID: 's1' }])).toThrow(
      /unexpected openstack subnet list output \(0\.Network: Required\)/,
    );
  });
});
