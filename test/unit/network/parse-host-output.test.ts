import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import { parseIpAddrJson, parseIpAddrOneline } from '../../../src/tasks/controller/parse-ip-addr.js';
import { parseOvsOptions, parseOvsShow } from '../../../src/tasks/controller/parse-ovs-show.js';
import { output } from './fixtures.js';

describe('parseIpAddrJson', () => {
  it('reads interfaces, their master and IPv4/IPv6 addresses', () => {
    const ifaces = parseIpAddrJson(output('ip-addr-good.txt'));
    expect(ifaces.map((i) => i.name)).toEqual(['lo', 'ens33', 'ovs-system', 'br-ex', 'br-int', 'br-tun']);
    const brEx = ifaces.find((i) => i.name === 'br-ex');
    expect(brEx).toMatchObject({
      up: true,
      ipv4: [{ address: '10.0.0.100', prefixlen: 24, scope: 'global' }],
    });
    expect(brEx?.ipv6).toEqual([{ address: 'fe80::446d:b3ff:fed0:6d4d', prefixlen: 64, scope: 'link' }]);
    expect(ifaces.find((i) => i.name === 'ens33')).toMatchObject({ master: 'ovs-system', ipv4: [] });
    expect(ifaces.find((i) => i.name === 'br-int')).toMatchObject({ up: false, ipv4: [], ipv6: [] });
  });

  it('reads the broken state: ens33 kept its address', () => {
    const ifaces = parseIpAddrJson(output('ip-addr-ens33-conflict.txt'));
    expect(ifaces.find((i) => i.name === 'ens33')?.ipv4).toEqual([
      { address: '10.0.0.100', prefixlen: 24, scope: 'global' },
    ]);
    expect(ifaces.find((i) => i.name === 'br-ex')?.ipv4).toEqual([]);
  });

  it('marks an address with a lease lifetime (a DHCP one) as dynamic', () => {
    const ifaces = parseIpAddrJson(output('ip-addr-dhcp.txt'));
    expect(ifaces.find((i) => i.name === 'ens33')?.ipv4).toEqual([
      { address: '10.0.0.100', prefixlen: 24, scope: 'global', dynamic: true },
    ]);
    expect(ifaces.find((i) => i.name === 'lo')?.ipv4).toEqual([
      { address: '127.0.0.1', prefixlen: 8, scope: 'host' },
    ]);
  });

  it("reads what this machine's own ip prints", () => {
    const ifaces = parseIpAddrJson(execFileSync('ip', ['-j', 'addr', 'show'], { encoding: 'utf8' }));
    expect(ifaces.find((i) => i.name === 'lo')?.ipv4[0]).toMatchObject({
      address: '127.0.0.1',
      prefixlen: 8,
    });
  });

  it('throws ParseError for text that is not its JSON', () => {
    expect(() => parseIpAddrJson('Option "-j" is unknown, try "ip -help".')).toThrow(ParseError);
    expect(() => parseIpAddrJson('{"ifname": "lo"}')).toThrow(/unknown shape/);
  });
});

describe('parseIpAddrOneline', () => {
  it('marks a DHCP address dynamic, as the JSON does', () => {
    const [ens33] = parseIpAddrOneline(
      '2: ens33    inet 10.0.0.100/24 brd 10.0.0.255 scope global dynamic noprefixroute ens33\\       valid_lft 86123sec preferred_lft 86123sec\n',
    );
    expect(ens33?.ipv4).toEqual([{ address: '10.0.0.100', prefixlen: 24, scope: 'global', dynamic: true }]);
  });

  it('gives the same addresses as the JSON for the same state', () => {
    const oneline = parseIpAddrOneline(output('ip-addr-oneline.txt'));
    const json = parseIpAddrJson(output('ip-addr-good.txt')).filter((i) => i.ipv4.length + i.ipv6.length > 0);
    expect(oneline.map(({ name, ipv4, ipv6 }) => ({ name, ipv4, ipv6 }))).toEqual(
      json.map(({ name, ipv4, ipv6 }) => ({ name, ipv4, ipv6 })),
    );
  });

  it("reads this machine's own ip -o output, and refuses lines it cannot read", () => {
    const ifaces = parseIpAddrOneline(execFileSync('ip', ['-o', 'addr', 'show'], { encoding: 'utf8' }));
    expect(ifaces.find((i) => i.name === 'lo')?.ipv4[0]?.address).toBe('127.0.0.1');
    expect(() => parseIpAddrOneline('garbage')).toThrow(ParseError);
  });
});

describe('parseOvsShow', () => {
  it('reads the runbook capture: three bridges, their ports, patch peers', () => {
    const ovs = parseOvsShow(output('ovs-vsctl-show-good.txt'));
    expect(ovs.version).toBe('2.11.0');
    expect(ovs.bridges.map((b) => b.name)).toEqual(['br-tun', 'br-int', 'br-ex']);
    const brEx = ovs.bridges.find((b) => b.name === 'br-ex');
    expect(brEx?.ports.map((p) => p.name)).toEqual(['br-ex', 'ens33', 'phy-br-ex']);
    expect(brEx?.ports[1]?.interfaces).toEqual([{ name: 'ens33', options: {} }]);
    expect(brEx?.ports[2]?.interfaces).toEqual([
      { name: 'phy-br-ex', type: 'patch', options: { peer: 'int-br-ex' } },
    ]);
  });

  it('reads quoted names, tags and quoted options (an older OVS with a vxlan tunnel)', () => {
    const ovs = parseOvsShow(output('ovs-vsctl-show-vxlan.txt'));
    const tun = ovs.bridges.find((b) => b.name === 'br-tun');
    expect(tun?.ports.find((p) => p.name === 'vxlan-0a006458')?.interfaces[0]).toEqual({
      name: 'vxlan-0a006458',
      type: 'vxlan',
      options: {
        df_default: 'true',
        in_key: 'flow',
        local_ip: '10.0.100.77',
        out_key: 'flow',
        remote_ip: '10.0.100.88',
      },
    });
    expect(ovs.bridges.find((b) => b.name === 'br-int')?.ports.map((p) => p.name)).toContain(
      'qr-694450d6-f6',
    );
  });

  it('reads interface errors and keeps lines of a closed interface off it', () => {
    const ovs = parseOvsShow(
      [
        '654548c9-a37d-44bf-b329-6c20a74c5fdb',
        '    Bridge br-ex',
        '        Port "ens33"',
        '            Interface "ens33"',
        '                error: "could not open network device ens33 (No such device)"',
        '        fail_mode: secure',
        '    ovs_version: "2.17.9"',
      ].join('\n'),
    );
    expect(ovs.bridges[0]?.ports[0]?.interfaces[0]?.error).toBe(
      'could not open network device ens33 (No such device)',
    );
    expect(parseOvsOptions('peer=patch-int')).toEqual({ peer: 'patch-int' });
  });

  it('throws ParseError when it is not ovs-vsctl show output', () => {
    expect(() =>
      parseOvsShow('ovs-vsctl: unix:/var/run/openvswitch/db.sock: database connection failed'),
    ).toThrow(ParseError);
  });
});
