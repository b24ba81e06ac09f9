/** An allocation pool, e.g. 10.0.0.210-10.0.0.220. */
export interface Pool {
  start: string;
  end: string;
}

export interface NetworkInfo {
  id: string;
  name: string;
  external: boolean;
  status?: string;
  /** flat, vxlan, ...; undefined when the listing did not say. */
  networkType?: string | null;
  /** Known only from `network show`; undefined when not looked at. */
  physicalNetwork?: string | null;
  subnetIds: string[];
}

export interface SubnetInfo {
  id: string;
  name: string;
  networkId: string;
  cidr: string;
  gateway: string | null;
  dhcp: boolean;
  dns: string[];
  pools: Pool[];
}

export interface RouterInterface {
  subnetId: string;
  ip: string;
  portId: string;
}

export interface RouterInfo {
  id: string;
  name: string;
  status?: string;
  /** The external gateway: its network and the router's addresses on it; null when none is set. */
  gateway: { networkId: string; ips: string[] } | null;
  /** From `router show`; undefined when not looked at. */
  interfaces?: RouterInterface[];
}

/** What Neutron has, as labops reads it from the openstack CLI. */
export interface NeutronState {
  networks: NetworkInfo[];
  subnets: SubnetInfo[];
  routers: RouterInfo[];
}

export interface AgentInfo {
  id: string;
  type: string;
  host: string;
  alive: boolean;
  adminUp: boolean;
  binary: string;
}
