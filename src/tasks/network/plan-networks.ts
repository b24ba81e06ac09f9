import type { NetworkInfo, NeutronState, RouterInfo, SubnetInfo } from '../controller/neutron-state.js';
import type { DesiredNetworks, NetworkSpec, SubnetSpec } from './desired-networks.js';

/** One change `/lab network setup` can make; each is one openstack call. */
export type Step =
  | { op: 'network'; spec: NetworkSpec }
  | { op: 'subnet'; network: string; spec: SubnetSpec }
  | { op: 'router'; name: string }
  | { op: 'gateway'; router: string; network: string }
  | { op: 'interface'; router: string; subnet: string };

/**
 * create: missing, will be made; unchanged: exists as wanted; conflict: exists with other settings, left alone;
 * blocked: depends on something that conflicts, so not made either.
 */
export type ActionKind = 'create' | 'unchanged' | 'conflict' | 'blocked';

export interface NetworkAction {
  kind: ActionKind;
  /** e.g. "network ext1", "subnet subint1", "gateway of router1" */
  what: string;
  /** What it is or will be; for a conflict, what differs. */
  detail: string;
  step: Step;
}

interface Planned<T> {
  action: NetworkAction;
  found?: T;
}

const stuck = (p: Planned<unknown>) => p.action.kind === 'conflict' || p.action.kind === 'blocked';

function blockedBy(deps: Planned<unknown>[]): string | undefined {
  const dep = deps.find(stuck);
  if (!dep) return undefined;
  return `waits for ${dep.action.what}, which ${dep.action.kind === 'conflict' ? 'conflicts' : 'is skipped'}`;
}

export function describeNetwork(spec: NetworkSpec): string {
  return spec.external ? `external, flat on physical network ${spec.physicalNetwork}` : 'internal';
}

export function describeSubnet(spec: SubnetSpec): string {
  const parts = [
    spec.cidr,
    `gateway ${spec.gateway}`,
    `DNS ${spec.dns.join(' ') || 'none'}`,
    `DHCP ${spec.dhcp ? 'on' : 'off'}`,
  ];
  if (spec.pool) parts.push(`pool ${spec.pool.start}-${spec.pool.end}`);
  return parts.join(', ');
}

function named<T extends { name: string }>(list: readonly T[], name: string, kind: string) {
  const found = list.filter((x) => x.name === name);
  const duplicate =
    found.length > 1
      ? `${found.length} ${kind}s are named ${name}; labops cannot tell which one is meant`
      : undefined;
  return { one: found.length === 1 ? found[0] : undefined, duplicate };
}

function planNetwork(current: NeutronState, spec: NetworkSpec): Planned<NetworkInfo> {
  const step: Step = { op: 'network', spec };
  const what = `network ${spec.name}`;
  const { one, duplicate } = named(current.networks, spec.name, 'network');
  if (duplicate) return { action: { kind: 'conflict', what, detail: duplicate, step } };
  if (!one) return { action: { kind: 'create', what, detail: describeNetwork(spec), step } };
  const diffs: string[] = [];
  if (one.external !== spec.external)
    diffs.push(one.external ? 'is external, want internal' : 'is internal, want external');
  if (spec.external) {
    if (one.networkType && one.networkType !== 'flat') diffs.push(`is ${one.networkType}, want flat`);
    if (one.physicalNetwork !== undefined && one.physicalNetwork !== spec.physicalNetwork)
      diffs.push(`is on physical network ${one.physicalNetwork ?? '(none)'}, want ${spec.physicalNetwork}`);
  }
  return diffs.length > 0
    ? { action: { kind: 'conflict', what, detail: `exists but ${diffs.join('; ')}`, step }, found: one }
    : { action: { kind: 'unchanged', what, detail: describeNetwork(spec), step }, found: one };
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  [...a].sort().join(' ') === [...b].sort().join(' ');

function subnetDiffs(s: SubnetInfo, spec: SubnetSpec): string[] {
  const diffs: string[] = [];
  if (s.cidr !== spec.cidr) diffs.push(`CIDR ${s.cidr} (want ${spec.cidr})`);
  if (s.gateway !== spec.gateway) diffs.push(`gateway ${s.gateway ?? 'none'} (want ${spec.gateway})`);
  if (s.dhcp !== spec.dhcp) diffs.push(`DHCP ${s.dhcp ? 'on' : 'off'} (want ${spec.dhcp ? 'on' : 'off'})`);
  if (!sameList(s.dns, spec.dns))
    diffs.push(`DNS ${s.dns.join(' ') || 'none'} (want ${spec.dns.join(' ') || 'none'})`);
  const pool = spec.pool;
  if (pool && !(s.pools.length === 1 && s.pools[0]?.start === pool.start && s.pools[0]?.end === pool.end)) {
    const have = s.pools.map((p) => `${p.start}-${p.end}`).join(' ') || 'none';
    diffs.push(`pool ${have} (want ${pool.start}-${pool.end})`);
  }
  return diffs;
}

function planSubnet(
  current: NeutronState,
  net: NetworkSpec,
  network: Planned<NetworkInfo>,
): Planned<SubnetInfo> {
  const spec = net.subnet;
  const step: Step = { op: 'subnet', network: net.name, spec };
  const what = `subnet ${spec.name}`;
  const { one, duplicate } = named(current.subnets, spec.name, 'subnet');
  if (duplicate) return { action: { kind: 'conflict', what, detail: duplicate, step } };
  if (!one) {
    const blocked = blockedBy([network]);
    return blocked
      ? { action: { kind: 'blocked', what, detail: blocked, step } }
      : { action: { kind: 'create', what, detail: `on ${net.name}: ${describeSubnet(spec)}`, step } };
  }
  const diffs = subnetDiffs(one, spec);
  const owner = current.networks.find((n) => n.id === one.networkId)?.name || one.networkId;
  const problems = [
    network.found?.id !== one.networkId ? `belongs to network ${owner}, not ${net.name}` : '',
    diffs.length > 0 ? `exists with ${diffs.join(', ')}` : '',
  ].filter(Boolean);
  return problems.length > 0
    ? { action: { kind: 'conflict', what, detail: problems.join('; '), step }, found: one }
    : {
        action: { kind: 'unchanged', what, detail: `on ${net.name}: ${describeSubnet(spec)}`, step },
        found: one,
      };
}

function planRouter(current: NeutronState, name: string): Planned<RouterInfo> {
  const step: Step = { op: 'router', name };
  const what = `router ${name}`;
  const { one, duplicate } = named(current.routers, name, 'router');
  if (duplicate) return { action: { kind: 'conflict', what, detail: duplicate, step } };
  return one
    ? { action: { kind: 'unchanged', what, detail: 'exists', step }, found: one }
    : { action: { kind: 'create', what, detail: 'new router', step } };
}

function planGateway(
  current: NeutronState,
  router: Planned<RouterInfo>,
  ext: Planned<NetworkInfo>,
  extSubnet: Planned<SubnetInfo>,
  desired: DesiredNetworks,
): NetworkAction {
  const network = desired.external.name;
  const step: Step = { op: 'gateway', router: desired.router, network };
  const what = `gateway of ${desired.router}`;
  const gateway = router.found?.gateway;
  if (gateway && gateway.networkId === ext.found?.id) {
    const blocked = blockedBy([ext]);
    if (blocked) return { kind: 'blocked', what, detail: blocked, step };
    return {
      kind: 'unchanged',
      what,
      detail: `on ${network}, ${gateway.ips.join(' ') || 'no address'}`,
      step,
    };
  }
  if (gateway) {
    const other = current.networks.find((n) => n.id === gateway.networkId)?.name || gateway.networkId;
    return { kind: 'conflict', what, detail: `is on network ${other}, want ${network}`, step };
  }
  const blocked = blockedBy([router, ext, extSubnet]);
  if (blocked) return { kind: 'blocked', what, detail: blocked, step };
  return { kind: 'create', what, detail: `external gateway on ${network}`, step };
}

function planInterface(
  current: NeutronState,
  router: Planned<RouterInfo>,
  int: Planned<NetworkInfo>,
  intSubnet: Planned<SubnetInfo>,
  desired: DesiredNetworks,
): NetworkAction {
  const subnet = desired.internal.subnet;
  const step: Step = { op: 'interface', router: desired.router, subnet: subnet.name };
  const what = `interface of ${desired.router} on ${subnet.name}`;
  const blocked = blockedBy([router, int, intSubnet]);
  if (blocked) return { kind: 'blocked', what, detail: blocked, step };
  const subnetId = intSubnet.found?.id;
  const mine = router.found?.interfaces?.find((i) => i.subnetId === subnetId);
  if (subnetId && mine) return { kind: 'unchanged', what, detail: `port ${mine.ip}`, step };
  const other = current.routers.find(
    (r) => r.id !== router.found?.id && r.interfaces?.some((i) => i.subnetId === subnetId),
  );
  if (subnetId && other)
    return {
      kind: 'conflict',
      what,
      detail: `${subnet.name} is already attached to router ${other.name || other.id}`,
      step,
    };
  return { kind: 'create', what, detail: `port ${subnet.gateway} on ${subnet.name}`, step };
}

/**
 * What `/lab network setup` would do, in the order it does it: every resource of the desired layout is
 * created, left alone (unchanged) or reported (conflict, or blocked behind one). Pure.
 */
export function planNetworks(current: NeutronState, desired: DesiredNetworks): NetworkAction[] {
  const ext = planNetwork(current, desired.external);
  const extSubnet = planSubnet(current, desired.external, ext);
  const int = planNetwork(current, desired.internal);
  const intSubnet = planSubnet(current, desired.internal, int);
  const router = planRouter(current, desired.router);
  return [
    ext.action,
    extSubnet.action,
    int.action,
    intSubnet.action,
    router.action,
    planGateway(current, router, ext, extSubnet, desired),
    planInterface(current, router, int, intSubnet, desired),
  ];
}
