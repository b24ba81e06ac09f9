import { context, section } from '../../chat/blocks.js';
import type { ChatMessage } from '../../chat/message.js';
import { escapeMrkdwn } from '../../chat/mrkdwn.js';
import type { NeutronState, SubnetInfo } from '../controller/neutron-state.js';
import { cell, codeSections, textTable } from './text-table.js';

// Slack refuses messages whose blocks pass ~12,000 characters (see LIMITS): networks get the most room
const NETWORK_CHARS = 7000;
const ROUTER_CHARS = 4000;
// the plain-text twin (notifications, the console) is cut well below Slack's 40,000
const TEXT_CHARS = 30000;

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

function subnetCells(s: SubnetInfo): string[] {
  return [
    cell(s.name || s.id),
    cell(s.cidr),
    cell(s.gateway ?? 'none'),
    s.dhcp ? 'on' : 'off',
    cell(s.pools.map((p) => `${p.start}-${p.end}`).join(', ') || 'none'),
  ];
}

/** One row a subnet, the network's name and kind on its first row only; a network without subnets gets one row. */
export function networkRows(state: NeutronState): string[] {
  const rows = [...state.networks]
    .sort((a, b) => Number(b.external) - Number(a.external) || a.name.localeCompare(b.name))
    .flatMap((n) => {
      const subnets = state.subnets
        .filter((s) => s.networkId === n.id)
        .sort((a, b) => a.name.localeCompare(b.name));
      const head = [cell(n.name || n.id), n.external ? 'yes' : 'no'];
      if (subnets.length === 0) return [[...head, '–', '', '', '', '']];
      return subnets.map((s, i) => [...(i === 0 ? head : ['', '']), ...subnetCells(s)]);
    });
  return textTable(['network', 'external', 'subnet', 'CIDR', 'gateway', 'DHCP', 'allocation pool'], rows);
}

/** One row an interface; the gateway (its network and the router's address there) on the first row. */
export function routerRows(state: NeutronState): string[] {
  const networkName = (id: string) => state.networks.find((n) => n.id === id)?.name || id;
  const subnetName = (id: string) => state.subnets.find((s) => s.id === id)?.name || id;
  const rows = [...state.routers]
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((r) => {
      const gateway = r.gateway
        ? cell(`${networkName(r.gateway.networkId)} ${r.gateway.ips.join(' ')}`.trim())
        : 'none';
      const interfaces =
        r.interfaces === undefined
          ? ['(not read)']
          : r.interfaces.map((i) => cell(`${subnetName(i.subnetId)} ${i.ip}`));
      const head = [cell(r.name || r.id), gateway];
      if (interfaces.length === 0) return [[...head, 'none']];
      return interfaces.map((i, n) => [...(n === 0 ? head : ['', '']), i]);
    });
  return textTable(['router', 'external gateway', 'interfaces'], rows);
}

function counts(state: NeutronState): string {
  const external = state.networks.filter((n) => n.external).length;
  return [
    `${plural(state.networks.length, 'network')}${external ? ` (${external} external)` : ''}`,
    plural(state.subnets.length, 'subnet'),
    plural(state.routers.length, 'router'),
  ].join(', ');
}

/** `/lab network list`: networks with their subnets, then routers, as tables. */
export function renderNetworkList(host: string, state: NeutronState): ChatMessage {
  const title = `Networks on ${host}`;
  if (state.networks.length === 0 && state.routers.length === 0) {
    const text = `${title}: none yet. \`/lab network setup\` creates the runbook's ext1, int1 and router1.`;
    return { text, blocks: [section(text)] };
  }
  const networks = networkRows(state);
  const routers = state.routers.length > 0 ? routerRows(state) : [];
  const text = [
    `${title}: ${counts(state)}`,
    '',
    ...networks,
    ...(routers.length ? ['', ...routers] : []),
  ].join('\n');
  return {
    text: text.length > TEXT_CHARS ? `${text.slice(0, TEXT_CHARS)}\n…` : text,
    blocks: [
      ...codeSections(`*${escapeMrkdwn(title)}*: ${counts(state)}`, networks, NETWORK_CHARS),
      ...(routers.length ? codeSections('*Routers*', routers, ROUTER_CHARS) : []),
      context(
        'From `openstack network list`, `subnet list`, `router list` and `router show` (admin, keystonerc_admin).',
      ),
    ],
  };
}
