import { z } from 'zod';
import { ParseError } from '../../errors.js';
import type {
  AgentInfo,
  NetworkInfo,
  Pool,
  RouterInfo,
  RouterInterface,
  SubnetInfo,
} from './neutron-state.js';

// python-openstackclient 5.x and later print raw values with -f json (lists, booleans, dicts); older
// releases printed the table's formatted strings ("External", "id1, id2", "a-b,c-d"). Both are read.

const text = z
  .string()
  .nullish()
  .transform((v) => v ?? '');

const list = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : (v ?? []),
  z.array(z.string()),
);

const flag = (trueWord: string) =>
  z.preprocess((v) => (typeof v === 'string' ? v === trueWord || v === 'True' : v), z.boolean().nullish());

const pools = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .filter((p) => p.includes('-'))
          .map((p) => {
            const [start = '', end = ''] = p.trim().split('-');
            return { start, end };
          })
      : (v ?? []),
  z.array(z.object({ start: z.string(), end: z.string() })),
);

const json = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  try {
    return v === '' ? null : JSON.parse(v);
  } catch {
    return v;
  }
}, z.unknown());

const NetworkRow = z.object({
  ID: z.string(),
  Name: text,
  Status: z.string().optional(),
  Subnets: list,
  'Network Type': z.string().nullish(),
  'Router Type': flag('External').optional(),
});

const SubnetRow = z.object({
  ID: z.string(),
  Name: text,
  Network: z.string(),
  Subnet: z.string(),
  DHCP: flag('True').optional(),
  'Name Servers': list.optional(),
  'Allocation Pools': pools.optional(),
  Gateway: z.string().nullish(),
});

const GatewayInfo = z
  .object({
    network_id: z.string(),
    external_fixed_ips: z.array(z.object({ ip_address: z.string() }).passthrough()).default([]),
  })
  .passthrough()
  .nullish();

const RouterRow = z.object({
  ID: z.string(),
  Name: text,
  Status: z.string().optional(),
  'External gateway info': json.pipe(GatewayInfo).optional(),
});

const RouterShow = z.object({
  id: z.string(),
  name: text,
  status: z.string().optional(),
  external_gateway_info: json.pipe(GatewayInfo).optional(),
  interfaces_info: json.pipe(
    z.array(z.object({ port_id: z.string(), ip_address: z.string(), subnet_id: z.string() })).default([]),
  ),
});

const NetworkShow = z.object({
  id: z.string(),
  name: text,
  status: z.string().optional(),
  subnets: list,
  'router:external': flag('External').optional(),
  'provider:network_type': z.string().nullish(),
  'provider:physical_network': z.string().nullish(),
});

const AgentRow = z.object({
  ID: z.string(),
  'Agent Type': z.string(),
  Host: z.string(),
  Alive: z.preprocess((v) => (typeof v === 'string' ? v === ':-)' : v), z.boolean()),
  State: z.preprocess((v) => (typeof v === 'string' ? v === 'UP' : v), z.boolean()).optional(),
  Binary: z.string(),
});

function parse<S extends z.ZodTypeAny>(schema: S, data: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ParseError(
    `unexpected ${what} output (${issue ? `${issue.path.join('.') || 'top level'}: ${issue.message}` : 'invalid'})`,
    JSON.stringify(data) ?? '',
  );
}

/** `openstack network list [--long] -f json` */
export function networksFromList(data: unknown): NetworkInfo[] {
  return parse(z.array(NetworkRow), data, 'openstack network list').map((r) => ({
    id: r.ID,
    name: r.Name,
    external: r['Router Type'] ?? false,
    status: r.Status,
    networkType: r['Network Type'],
    subnetIds: r.Subnets,
  }));
}

/** `openstack network show -f json`: the provider details the listing lacks. */
export function networkFromShow(data: unknown): NetworkInfo {
  const n = parse(NetworkShow, data, 'openstack network show');
  return {
    id: n.id,
    name: n.name,
    status: n.status,
    external: n['router:external'] ?? false,
    networkType: n['provider:network_type'],
    physicalNetwork: n['provider:physical_network'] ?? null,
    subnetIds: n.subnets,
  };
}

/** `openstack subnet list --long -f json` */
export function subnetsFromList(data: unknown): SubnetInfo[] {
  return parse(z.array(SubnetRow), data, 'openstack subnet list').map((r) => ({
    id: r.ID,
    name: r.Name,
    networkId: r.Network,
    cidr: r.Subnet,
    gateway: r.Gateway ?? null,
    dhcp: r.DHCP ?? false,
    dns: r['Name Servers'] ?? [],
    pools: (r['Allocation Pools'] ?? []) satisfies Pool[],
  }));
}

const gatewayOf = (info: z.infer<typeof GatewayInfo> | undefined): RouterInfo['gateway'] =>
  info ? { networkId: info.network_id, ips: info.external_fixed_ips.map((f) => f.ip_address) } : null;

/** `openstack router list --long -f json` */
export function routersFromList(data: unknown): RouterInfo[] {
  return parse(z.array(RouterRow), data, 'openstack router list').map((r) => ({
    id: r.ID,
    name: r.Name,
    status: r.Status,
    gateway: gatewayOf(r['External gateway info']),
  }));
}

/** `openstack router show -f json`: the gateway and the interfaces (ports on the router, gateway excluded). */
export function routerFromShow(data: unknown): RouterInfo {
  const r = parse(RouterShow, data, 'openstack router show');
  const interfaces: RouterInterface[] = r.interfaces_info.map((i) => ({
    subnetId: i.subnet_id,
    ip: i.ip_address,
    portId: i.port_id,
  }));
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    gateway: gatewayOf(r.external_gateway_info),
    interfaces,
  };
}

/** `openstack network agent list -f json` */
export function agentsFromList(data: unknown): AgentInfo[] {
  return parse(z.array(AgentRow), data, 'openstack network agent list').map((a) => ({
    id: a.ID,
    type: a['Agent Type'],
    host: a.Host,
    alive: a.Alive,
    adminUp: a.State ?? true,
    binary: a.Binary,
  }));
}
