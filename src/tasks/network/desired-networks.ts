import { z } from 'zod';
import { UserInputError } from '../../errors.js';
import { cidrRange, Ipv4, Ipv4Cidr, inCidr, ipToInt, ResourceName } from '../../net/ipv4.js';
import type { Pool } from '../controller/neutron-state.js';

/** The inventory variable that overrides the runbook's layout, field by field (host or group vars). */
export const LAYOUT_VAR = 'openstack_networks';

export interface SubnetSpec {
  name: string;
  cidr: string;
  gateway: string;
  dns: string[];
  dhcp: boolean;
  /** Absent: Neutron's default (the whole range but the gateway), not compared. */
  pool?: Pool;
}

export interface NetworkSpec {
  name: string;
  external: boolean;
  /** For the external network: a flat provider network on this physical network. */
  physicalNetwork?: string;
  subnet: SubnetSpec;
}

/** What `/lab network setup` makes: the runbook's ext1/subext1, int1/subint1 and router1 unless overridden. */
export interface DesiredNetworks {
  external: NetworkSpec;
  internal: NetworkSpec;
  router: string;
}

const dnsList = z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(Ipv4).max(5));
const PoolVars = z.object({ start: Ipv4, end: Ipv4 }).strict();

export const LayoutVars = z
  .object({
    external: z
      .object({
        name: ResourceName.default('ext1'),
        physical_network: ResourceName.default('extnet'),
        subnet: ResourceName.default('subext1'),
        cidr: Ipv4Cidr.default('10.0.0.0/24'),
        gateway: Ipv4.default('10.0.0.2'),
        dns: dnsList.default(['10.0.0.2']),
        dhcp: z.boolean().default(false),
        allocation_pool: PoolVars.default({ start: '10.0.0.210', end: '10.0.0.220' }),
      })
      .strict()
      .default({}),
    internal: z
      .object({
        name: ResourceName.default('int1'),
        subnet: ResourceName.default('subint1'),
        cidr: Ipv4Cidr.default('192.168.0.0/24'),
        gateway: Ipv4.default('192.168.0.254'),
        dns: dnsList.default(['10.0.0.2']),
        dhcp: z.boolean().default(true),
        allocation_pool: PoolVars.optional(),
      })
      .strict()
      .default({}),
    router: ResourceName.default('router1'),
  })
  .strict()
  .superRefine((v, ctx) => {
    for (const side of ['external', 'internal'] as const) {
      const s = v[side];
      const add = (field: string, message: string) =>
        ctx.addIssue({ code: 'custom', path: [side, field], message });
      const { first, last } = cidrRange(s.cidr);
      const usable = (ip: string) => inCidr(ip, s.cidr) && ipToInt(ip) !== first && ipToInt(ip) !== last;
      if (!usable(s.gateway)) add('gateway', `must be a host address inside ${s.cidr}`);
      const pool = s.allocation_pool;
      if (pool) {
        if (!usable(pool.start) || !usable(pool.end)) add('allocation_pool', `must lie inside ${s.cidr}`);
        else if (ipToInt(pool.start) > ipToInt(pool.end))
          add('allocation_pool', 'start must not be after end');
        else if (ipToInt(s.gateway) >= ipToInt(pool.start) && ipToInt(s.gateway) <= ipToInt(pool.end))
          add('allocation_pool', `must not contain the gateway ${s.gateway}`);
      }
    }
    const names = [v.external.name, v.internal.name];
    if (names[0] === names[1])
      ctx.addIssue({
        code: 'custom',
        path: ['internal', 'name'],
        message: 'must differ from the external network name',
      });
    if (v.external.subnet === v.internal.subnet)
      ctx.addIssue({
        code: 'custom',
        path: ['internal', 'subnet'],
        message: 'must differ from the external subnet name',
      });
  });
export type LayoutVars = z.infer<typeof LayoutVars>;

/** The layout for `host` from its inventory vars; bad values are a UserInputError naming each variable. */
export function desiredNetworks(vars: Readonly<Record<string, unknown>>, host: string): DesiredNetworks {
  const parsed = LayoutVars.safeParse(vars[LAYOUT_VAR] ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${[LAYOUT_VAR, ...i.path].join('.')}: ${i.message}`);
    throw new UserInputError(`The inventory vars of ${host} have bad network values: ${lines.join('; ')}.`);
  }
  const { external: e, internal: i, router } = parsed.data;
  return {
    external: {
      name: e.name,
      external: true,
      physicalNetwork: e.physical_network,
      subnet: {
        name: e.subnet,
        cidr: e.cidr,
        gateway: e.gateway,
        dns: e.dns,
        dhcp: e.dhcp,
        pool: e.allocation_pool,
      },
    },
    internal: {
      name: i.name,
      external: false,
      subnet: {
        name: i.subnet,
        cidr: i.cidr,
        gateway: i.gateway,
        dns: i.dns,
        dhcp: i.dhcp,
        pool: i.allocation_pool,
      },
    },
    router,
  };
}
