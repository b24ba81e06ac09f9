import type { AgentInfo } from './neutron-state.js';
import type { IpInterface } from './parse-ip-addr.js';
import type { OvsShow } from './parse-ovs-show.js';

/** ok: as the runbook wants; problem: not, and the text says how; unknown: could not be read. */
export type CheckState = 'ok' | 'problem' | 'unknown';

export interface CheckLine {
  state: CheckState;
  text: string;
  /** What to do next, one sentence; for problems and unknowns. */
  hint?: string;
}

const BR_EX = 'br-ex';
const v4 = (iface: IpInterface) => iface.ipv4.map((a) => `${a.address}/${a.prefixlen}`);

/** br-ex carries the host's IPv4 address and the external interface has none (runbook: "ens33 은 ip 가없어야 한다"). */
export function addressChecks(interfaces: readonly IpInterface[], extIface: string): CheckLine[] {
  const brEx = interfaces.find((i) => i.name === BR_EX);
  const ext = interfaces.find((i) => i.name === extIface);
  const lines: CheckLine[] = [];
  if (!brEx) {
    lines.push({
      state: 'problem',
      text: 'br-ex does not exist',
      hint: `Packstack creates it from CONFIG_NEUTRON_OVS_BRIDGE_IFACES=br-ex:${extIface}; check that Open vSwitch runs and ifcfg-br-ex exists`,
    });
  } else if (brEx.ipv4.length === 0) {
    lines.push({
      state: 'problem',
      text: 'br-ex has no IPv4 address',
      hint: `The host's external address belongs on br-ex (ifcfg-br-ex), not on ${extIface}`,
    });
  } else {
    lines.push({ state: 'ok', text: `br-ex has ${v4(brEx).join(', ')}` });
  }
  if (!ext) {
    lines.push({
      state: 'problem',
      text: `${extIface} does not exist on this host`,
      hint: 'Set openstack_ext_iface in the inventory to the interface br-ex took over',
    });
  } else if (ext.ipv4.length > 0) {
    lines.push({
      state: 'problem',
      text: `conflict: ${extIface} still has ${ext.ipv4.map((a) => a.address).join(', ')}`,
      hint: `Remove the address from ${extIface} (IPADDR in ifcfg-${extIface}) so that only br-ex has it, then restart the network`,
    });
  } else {
    lines.push({ state: 'ok', text: `${extIface} has no IPv4 address (br-ex has taken it over)` });
  }
  return lines;
}

function patchPeer(ovs: OvsShow, bridge: string, port: string): string | undefined {
  const iface = ovs.bridges
    .find((b) => b.name === bridge)
    ?.ports.find((p) => p.name === port)
    ?.interfaces.find((i) => i.name === port);
  return iface?.type === 'patch' ? (iface.options.peer ?? '') : undefined;
}

/** Patch port pairs Neutron's OVS agent makes: br-int <-> br-tun and br-int <-> br-ex. */
const PATCHES = [
  ['br-int', 'patch-tun', 'br-tun', 'patch-int'],
  ['br-int', 'int-br-ex', 'br-ex', 'phy-br-ex'],
] as const;

/** The bridges br-ex, br-int and br-tun, their patch ports, and the external interface as a port of br-ex. */
export function ovsChecks(ovs: OvsShow, extIface: string): CheckLine[] {
  const names = ovs.bridges.map((b) => b.name);
  const missing = ['br-ex', 'br-int', 'br-tun'].filter((b) => !names.includes(b));
  const lines: CheckLine[] = [];
  lines.push(
    missing.length === 0
      ? { state: 'ok', text: 'ovs: bridges br-ex, br-int and br-tun exist' }
      : {
          state: 'problem',
          text: `ovs: bridge${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing (ovs-vsctl show has ${names.join(', ') || 'no bridges'})`,
          hint: 'Check neutron-openvswitch-agent, which creates br-int and br-tun when it starts (systemctl status neutron-openvswitch-agent)',
        },
  );
  const broken: string[] = [];
  for (const [bridgeA, portA, bridgeB, portB] of PATCHES) {
    const peerA = patchPeer(ovs, bridgeA, portA);
    const peerB = patchPeer(ovs, bridgeB, portB);
    if (peerA === undefined) broken.push(`${bridgeA} has no patch port ${portA}`);
    else if (peerA !== portB)
      broken.push(`${portA} on ${bridgeA} peers with ${peerA || 'nothing'}, not ${portB}`);
    if (peerB === undefined) broken.push(`${bridgeB} has no patch port ${portB}`);
    else if (peerB !== portA)
      broken.push(`${portB} on ${bridgeB} peers with ${peerB || 'nothing'}, not ${portA}`);
  }
  lines.push(
    broken.length === 0
      ? { state: 'ok', text: 'ovs: patch ports patch-tun/patch-int and int-br-ex/phy-br-ex are paired' }
      : {
          state: 'problem',
          text: `ovs: ${broken.join('; ')}`,
          hint: 'Restart neutron-openvswitch-agent, which makes the patch ports (bridge_mappings extnet:br-ex), and read its log',
        },
  );
  const extPort = ovs.bridges.find((b) => b.name === BR_EX)?.ports.find((p) => p.name === extIface);
  const broke = extPort?.interfaces.find((i) => i.error);
  lines.push(
    !extPort
      ? {
          state: 'problem',
          text: `ovs: ${extIface} is not a port of br-ex`,
          hint: `Add it: ovs-vsctl add-port br-ex ${extIface} (packstack: CONFIG_NEUTRON_OVS_BRIDGE_IFACES=br-ex:${extIface})`,
        }
      : broke
        ? { state: 'problem', text: `ovs: ${extIface} on br-ex reports an error: ${broke.error}` }
        : { state: 'ok', text: `ovs: ${extIface} is a port of br-ex` },
  );
  return lines;
}

/**
 * Every Neutron agent alive. Neutron marks an agent dead when its heartbeats stop arriving or arrive with
 * timestamps off by more than agent_down_time, so a dead agent on a live host often means a drifting clock.
 */
export function agentChecks(agents: readonly AgentInfo[], inventoryHosts: ReadonlySet<string>): CheckLine[] {
  if (agents.length === 0) {
    return [
      {
        state: 'problem',
        text: 'Neutron lists no agents',
        hint: 'Start the agents (neutron-openvswitch-agent, neutron-dhcp-agent, neutron-l3-agent, neutron-metadata-agent)',
      },
    ];
  }
  const dead = agents.filter((a) => !a.alive);
  if (dead.length === 0) {
    const hosts = [...new Set(agents.map((a) => a.host))].sort().join(', ');
    return [{ state: 'ok', text: `Neutron agents: all ${agents.length} alive (on ${hosts})` }];
  }
  return dead.map((a) => {
    const ntp = inventoryHosts.has(a.host) ? `/lab ntp status ${a.host}` : '/lab ntp status';
    return {
      state: 'problem',
      text: `Neutron agent ${a.type} (${a.binary}) on ${a.host} is dead`,
      hint: `Neutron counts an agent dead when its heartbeats stop or carry a drifting clock: check the clock with \`${ntp}\`, then systemctl status ${a.binary} on ${a.host}`,
    };
  });
}
