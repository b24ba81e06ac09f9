import { describe, expect, it } from 'vitest';
import { agentsFromList } from '../../../src/tasks/controller/cli-json.js';
import { addressChecks, agentChecks, ovsChecks } from '../../../src/tasks/controller/network-checks.js';
import { parseIpAddrJson } from '../../../src/tasks/controller/parse-ip-addr.js';
import { parseOvsShow } from '../../../src/tasks/controller/parse-ovs-show.js';
import { json, output } from './fixtures.js';

const ip = (file: string) => parseIpAddrJson(output(file));
const ovs = (file: string) => parseOvsShow(output(file));
const texts = (lines: { state: string; text: string }[]) => lines.map((l) => `${l.state}: ${l.text}`);

describe('network checks', () => {
  it('the good host passes every check', () => {
    expect(texts(addressChecks(ip('ip-addr-good.txt'), 'ens33'))).toEqual([
      'ok: br-ex has 10.0.0.100/24',
      'ok: ens33 has no IPv4 address (br-ex has taken it over)',
    ]);
    expect(texts(ovsChecks(ovs('ovs-vsctl-show-good.txt'), 'ens33'))).toEqual([
      'ok: ovs: bridges br-ex, br-int and br-tun exist',
      'ok: ovs: patch ports patch-tun/patch-int and int-br-ex/phy-br-ex are paired',
      'ok: ovs: ens33 is a port of br-ex',
    ]);
    expect(
      texts(agentChecks(agentsFromList(json('network-agent-list.json.txt')), new Set(['controller']))),
    ).toEqual(['ok: Neutron agents: all 4 alive (on controller)']);
  });

  it('ens33 still holding the address is a conflict, and br-ex without one a problem', () => {
    const lines = addressChecks(ip('ip-addr-ens33-conflict.txt'), 'ens33');
    expect(texts(lines)).toEqual([
      'problem: br-ex has no IPv4 address',
      'problem: conflict: ens33 still has 10.0.0.100',
    ]);
    expect(lines[1]?.hint).toMatch(/Remove the address from ens33 \(IPADDR in ifcfg-ens33\)/);
  });

  it('a missing external interface or br-ex says what to set or check', () => {
    const lines = addressChecks(ip('ip-addr-good.txt'), 'eth1');
    expect(lines[1]).toMatchObject({
      state: 'problem',
      text: 'eth1 does not exist on this host',
      hint: expect.stringMatching(/openstack_ext_iface/),
    });
    expect(addressChecks([], 'ens33')[0]?.text).toBe('br-ex does not exist');
  });

  it('without the OVS agent: br-int and br-tun missing, no patch ports', () => {
    const lines = ovsChecks(ovs('ovs-vsctl-show-agent-down.txt'), 'ens33');
    expect(texts(lines)).toEqual([
      'problem: ovs: bridges br-int, br-tun missing (ovs-vsctl show has br-ex)',
      'problem: ovs: br-int has no patch port patch-tun; br-tun has no patch port patch-int; br-int has no patch port int-br-ex; br-ex has no patch port phy-br-ex',
      'ok: ovs: ens33 is a port of br-ex',
    ]);
    expect(lines[0]?.hint).toMatch(/neutron-openvswitch-agent/);
  });

  it('a network node without the br-ex patch, and crossed peers', () => {
    const lines = ovsChecks(ovs('ovs-vsctl-show-vxlan.txt'), 'ens33');
    expect(lines[1]?.text).toBe('ovs: br-int has no patch port int-br-ex; br-ex has no patch port phy-br-ex');
    expect(lines[2]?.text).toBe('ovs: ens33 is not a port of br-ex');
    const crossed = ovs('ovs-vsctl-show-good.txt');
    const patch = crossed.bridges.find((b) => b.name === 'br-tun')?.ports.find((p) => p.name === 'patch-int')
      ?.interfaces[0];
    if (patch) patch.options = { peer: 'nothing-here' };
    expect(ovsChecks(crossed, 'ens33')[1]?.text).toBe(
      'ovs: patch-int on br-tun peers with nothing-here, not patch-tun',
    );
  });

  it('a dead agent points to /lab ntp status for its host', () => {
    const agents = agentsFromList(json('network-agent-list.json.txt')).map((a) =>
      a.binary === 'neutron-l3-agent' ? { ...a, alive: false } : a,
    );
    const [line, ...rest] = agentChecks(agents, new Set(['controller']));
    expect(rest).toEqual([]);
    expect(line).toMatchObject({
      state: 'problem',
      text: 'Neutron agent L3 agent (neutron-l3-agent) on controller is dead',
    });
    expect(line?.hint).toMatch(/drifting clock: check the clock with `\/lab ntp status controller`/);
    // a host labops does not know: the whole lab's clocks
    const elsewhere = agentChecks(
      [{ ...agents[2], host: 'compute9' } as (typeof agents)[number]],
      new Set(['controller']),
    );
    expect(elsewhere[0]?.hint).toMatch(/`\/lab ntp status`/);
    expect(agentChecks([], new Set())[0]?.text).toBe('Neutron lists no agents');
  });
});
