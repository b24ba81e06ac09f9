/**
 * In-memory Neutron v2.0 resources for the fake OpenStack API: networks, subnets, routers, ports, agents.
 * Field names and the defaults Neutron fills in follow the Networking API v2.0 reference; only what the
 * openstack CLI (python-openstackclient 6.0.0) reads for network/subnet/router/agent commands is modelled.
 */
import { randomUUID } from 'node:crypto';
import { cidrRange, intToIp, ipToInt } from '../../src/net/ipv4.js';

export type Resource = Record<string, unknown> & { id: string };

/** A Neutron API error: HTTP status, NeutronError type and message. */
export class NeutronFault extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export const PROJECT_ID = 'c5b9e5d3f3a84b2b9a1c0d6e7f8a9b01';

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

function common(name: unknown): Resource {
  const ts = now();
  return {
    id: randomUUID(),
    name: typeof name === 'string' ? name : '',
    tenant_id: PROJECT_ID,
    project_id: PROJECT_ID,
    description: '',
    tags: [],
    created_at: ts,
    updated_at: ts,
    revision_number: 1,
  };
}

/** One Neutron agent as GET /v2.0/agents lists it. */
export interface AgentSeed {
  binary: string;
  agent_type: string;
  host: string;
  alive?: boolean;
}

export const PACKSTACK_AGENTS: readonly AgentSeed[] = [
  { binary: 'neutron-openvswitch-agent', agent_type: 'Open vSwitch agent', host: 'controller' },
  { binary: 'neutron-dhcp-agent', agent_type: 'DHCP agent', host: 'controller' },
  { binary: 'neutron-l3-agent', agent_type: 'L3 agent', host: 'controller' },
  { binary: 'neutron-metadata-agent', agent_type: 'Metadata agent', host: 'controller' },
];

export class NeutronStore {
  networks: Resource[] = [];
  subnets: Resource[] = [];
  routers: Resource[] = [];
  ports: Resource[] = [];
  agents: Resource[] = [];

  constructor(agents: readonly AgentSeed[] = PACKSTACK_AGENTS) {
    this.setAgents(agents);
  }

  setAgents(agents: readonly AgentSeed[]): void {
    this.agents = agents.map((a) => ({
      id: randomUUID(),
      agent_type: a.agent_type,
      binary: a.binary,
      host: a.host,
      topic: 'N/A',
      alive: a.alive ?? true,
      admin_state_up: true,
      availability_zone: a.agent_type === 'DHCP agent' || a.agent_type === 'L3 agent' ? 'nova' : null,
      configurations: {},
      created_at: now(),
      started_at: now(),
      heartbeat_timestamp: now().replace('T', ' '),
      description: null,
      resources_synced: null,
    }));
  }

  collection(name: string): Resource[] | undefined {
    switch (name) {
      case 'networks':
        return this.networks;
      case 'subnets':
        return this.subnets;
      case 'routers':
        return this.routers;
      case 'ports':
        return this.ports;
      case 'agents':
        return this.agents;
      default:
        return undefined;
    }
  }

  createNetwork(body: Record<string, unknown>): Resource {
    const type = body['provider:network_type'] ?? 'vxlan';
    const physnet = body['provider:physical_network'] ?? null;
    if (type === 'flat' && !physnet)
      throw new NeutronFault(
        400,
        'InvalidInput',
        'Invalid input for operation: physical_network required for flat provider network.',
      );
    const network: Resource = {
      ...common(body.name),
      admin_state_up: body.admin_state_up ?? true,
      status: 'ACTIVE',
      subnets: [],
      shared: body.shared ?? false,
      availability_zone_hints: [],
      availability_zones: [],
      ipv4_address_scope: null,
      ipv6_address_scope: null,
      'router:external': body['router:external'] ?? false,
      port_security_enabled: true,
      mtu: type === 'vxlan' ? 1450 : 1500,
      'provider:network_type': type,
      'provider:physical_network': physnet,
      'provider:segmentation_id': type === 'vxlan' ? 1 + this.networks.length : null,
      qos_policy_id: null,
      is_default: false,
      l2_adjacency: true,
    };
    this.networks.push(network);
    return network;
  }

  createSubnet(body: Record<string, unknown>): Resource {
    const network = this.networks.find((n) => n.id === body.network_id);
    if (!network)
      throw new NeutronFault(
        404,
        'NetworkNotFound',
        `Network ${String(body.network_id)} could not be found.`,
      );
    const cidr = String(body.cidr ?? '');
    if (!/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(cidr))
      throw new NeutronFault(
        400,
        'InvalidInput',
        `Invalid input for cidr. Reason: '${cidr}' is not a valid IP subnet.`,
      );
    const { first, last } = cidrRange(cidr);
    const normalised = `${intToIp(first)}/${cidr.split('/')[1]}`;
    const gateway = body.gateway_ip === undefined ? intToIp(first + 1) : (body.gateway_ip as string | null);
    if (gateway !== null && (ipToInt(gateway) <= first || ipToInt(gateway) >= last))
      throw new NeutronFault(
        400,
        'InvalidInput',
        `Invalid input for operation: Gateway IP ${gateway} conflicts with the subnet.`,
      );
    for (const other of this.subnets.filter((s) => s.network_id === network.id)) {
      const o = cidrRange(String(other.cidr));
      if (o.first <= last && first <= o.last)
        throw new NeutronFault(
          400,
          'BadRequest',
          `Invalid input for operation: Requested subnet with cidr: ${normalised} for network: ${network.id} overlaps with another subnet.`,
        );
    }
    const pools = Array.isArray(body.allocation_pools)
      ? (body.allocation_pools as { start: string; end: string }[])
      : defaultPools(first, last, gateway);
    const subnet: Resource = {
      ...common(body.name),
      network_id: network.id,
      ip_version: body.ip_version ?? 4,
      subnetpool_id: null,
      enable_dhcp: body.enable_dhcp ?? true,
      ipv6_ra_mode: null,
      ipv6_address_mode: null,
      gateway_ip: gateway,
      cidr: normalised,
      allocation_pools: pools,
      host_routes: [],
      dns_nameservers: Array.isArray(body.dns_nameservers) ? body.dns_nameservers : [],
      service_types: [],
      segment_id: null,
      dns_publish_fixed_ip: null,
    };
    this.subnets.push(subnet);
    (network.subnets as string[]).push(subnet.id);
    return subnet;
  }

  createRouter(body: Record<string, unknown>): Resource {
    const router: Resource = {
      ...common(body.name),
      admin_state_up: body.admin_state_up ?? true,
      status: 'ACTIVE',
      external_gateway_info: null,
      routes: [],
      availability_zone_hints: [],
      availability_zones: [],
      flavor_id: null,
    };
    this.routers.push(router);
    if (body.external_gateway_info)
      this.updateRouter(router.id, { external_gateway_info: body.external_gateway_info });
    return router;
  }

  updateRouter(id: string, body: Record<string, unknown>): Resource {
    const router = this.get(this.routers, id, 'Router');
    if ('name' in body) router.name = body.name;
    if ('external_gateway_info' in body) {
      this.ports = this.ports.filter(
        (p) => !(p.device_id === id && p.device_owner === 'network:router_gateway'),
      );
      const info = body.external_gateway_info as { network_id?: string } | null;
      if (!info?.network_id) {
        router.external_gateway_info = null;
      } else {
        const network = this.get(this.networks, info.network_id, 'Network');
        if (network['router:external'] !== true)
          throw new NeutronFault(
            400,
            'BadRequest',
            `Bad router request: Network ${network.id} is not an external network.`,
          );
        const subnet = this.subnets.find((s) => s.network_id === network.id);
        if (!subnet)
          throw new NeutronFault(
            400,
            'BadRequest',
            `Bad router request: No subnet on external network ${network.id}.`,
          );
        const ip = this.freeIp(subnet);
        this.addPort(network.id, subnet.id, ip, id, 'network:router_gateway');
        router.external_gateway_info = {
          network_id: network.id,
          external_fixed_ips: [{ subnet_id: subnet.id, ip_address: ip }],
          enable_snat: true,
        };
      }
    }
    router.revision_number = Number(router.revision_number) + 1;
    router.updated_at = now();
    return router;
  }

  addRouterInterface(id: string, body: Record<string, unknown>): Record<string, unknown> {
    const router = this.get(this.routers, id, 'Router');
    if (typeof body.subnet_id !== 'string')
      throw new NeutronFault(
        400,
        'BadRequest',
        'Bad router request: Either subnet_id or port_id must be specified.',
      );
    const subnet = this.get(this.subnets, body.subnet_id, 'Subnet');
    const onSubnet = (p: Resource) =>
      (p.fixed_ips as { subnet_id: string }[]).some((f) => f.subnet_id === subnet.id);
    if (this.ports.some((p) => p.device_id === id && onSubnet(p)))
      throw new NeutronFault(
        400,
        'BadRequest',
        `Bad router request: Router already has a port on subnet ${subnet.id}.`,
      );
    const ip = subnet.gateway_ip as string | null;
    if (!ip)
      throw new NeutronFault(
        400,
        'BadRequest',
        `Bad router request: Subnet ${subnet.id} does not have a gateway IP.`,
      );
    if (
      this.ports.some(
        (p) => onSubnet(p) && (p.fixed_ips as { ip_address: string }[]).some((f) => f.ip_address === ip),
      )
    )
      throw new NeutronFault(
        409,
        'IpAddressInUse',
        `Unable to complete operation for network ${String(subnet.network_id)}. The IP address ${ip} is in use.`,
      );
    const port = this.addPort(String(subnet.network_id), subnet.id, ip, id, 'network:router_interface');
    return {
      id: router.id,
      tenant_id: PROJECT_ID,
      project_id: PROJECT_ID,
      port_id: port.id,
      network_id: subnet.network_id,
      subnet_id: subnet.id,
      subnet_ids: [subnet.id],
    };
  }

  get(list: Resource[], id: string, kind: string): Resource {
    const found = list.find((r) => r.id === id);
    if (!found) throw new NeutronFault(404, `${kind}NotFound`, `${kind} ${id} could not be found.`);
    return found;
  }

  private addPort(
    networkId: string,
    subnetId: string,
    ip: string,
    deviceId: string,
    owner: string,
  ): Resource {
    const port: Resource = {
      ...common(''),
      network_id: networkId,
      mac_address: `fa:16:3e:${[0, 0, 0]
        .map(() =>
          Math.floor(Math.random() * 256)
            .toString(16)
            .padStart(2, '0'),
        )
        .join(':')}`,
      admin_state_up: true,
      status: 'ACTIVE',
      device_id: deviceId,
      device_owner: owner,
      fixed_ips: [{ subnet_id: subnetId, ip_address: ip }],
      allowed_address_pairs: [],
      extra_dhcp_opts: [],
      security_groups: [],
      binding_vnic_type: 'normal',
      port_security_enabled: false,
    };
    this.ports.push(port);
    return port;
  }

  private freeIp(subnet: Resource): string {
    const used = new Set(
      this.ports.flatMap((p) => (p.fixed_ips as { ip_address: string }[]).map((f) => f.ip_address)),
    );
    for (const pool of subnet.allocation_pools as { start: string; end: string }[]) {
      for (let n = ipToInt(pool.start); n <= ipToInt(pool.end); n++)
        if (!used.has(intToIp(n))) return intToIp(n);
    }
    throw new NeutronFault(
      409,
      'IpAddressGenerationFailure',
      `No more IP addresses available on network ${String(subnet.network_id)}.`,
    );
  }
}

function defaultPools(first: number, last: number, gateway: string | null): { start: string; end: string }[] {
  const g = gateway === null ? -1 : ipToInt(gateway);
  const pools: { start: string; end: string }[] = [];
  let start = first + 1;
  for (const stop of [g, last]) {
    if (stop > start) pools.push({ start: intToIp(start), end: intToIp(stop - 1) });
    start = Math.max(start, stop + 1);
  }
  return pools;
}
