import { z } from 'zod';
import { ParseError } from '../../errors.js';
import { boundedLines } from '../remote/long-lines.js';

export interface IpAddress {
  address: string;
  prefixlen: number;
  scope?: string;
  /** Has a lease lifetime (DHCP or SLAAC), not a static address. */
  dynamic?: boolean;
}

/** One interface and its addresses, from `ip -j addr show` (or the `ip -o addr show` fallback). */
export interface IpInterface {
  name: string;
  /** The UP flag; undefined when the output did not say (one-line format). */
  up?: boolean;
  /** The device it is enslaved to, e.g. ovs-system for a port of an OVS bridge. */
  master?: string;
  ipv4: IpAddress[];
  ipv6: IpAddress[];
}

const AddrInfo = z
  .object({
    family: z.string(),
    local: z.string().optional(),
    prefixlen: z.number().optional(),
    scope: z.string().optional(),
    dynamic: z.boolean().optional(),
  })
  .passthrough();

const Link = z
  .object({
    ifname: z.string(),
    flags: z.array(z.string()).default([]),
    master: z.string().optional(),
    addr_info: z.array(AddrInfo).default([]),
  })
  .passthrough();

const byFamily = (info: z.infer<typeof AddrInfo>[], family: string): IpAddress[] =>
  info
    .filter((a) => a.family === family && a.local !== undefined)
    .map((a) => ({
      address: a.local ?? '',
      prefixlen: a.prefixlen ?? 0,
      scope: a.scope,
      ...(a.dynamic ? { dynamic: true } : {}),
    }));

/** `ip -j addr show`: a JSON array of links, each with addr_info (iproute2 4.13 and later). */
export function parseIpAddrJson(text: string): IpInterface[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ParseError('ip -j addr show did not print JSON', text);
  }
  const parsed = z.array(Link).safeParse(data);
  if (!parsed.success) throw new ParseError('ip -j addr show printed JSON of an unknown shape', text);
  return parsed.data.map((l) => ({
    name: l.ifname,
    up: l.flags.includes('UP'),
    master: l.master,
    ipv4: byFamily(l.addr_info, 'inet'),
    ipv6: byFamily(l.addr_info, 'inet6'),
  }));
}

// "6: br-ex    inet 10.0.0.100/24 brd 10.0.0.255 scope global br-ex\       valid_lft forever ..."
// the name stops at an @ ("eth0@if5"); a lazy \S+? there backtracks quadratically over a long word
const ONELINE = /^\d+:\s+([^\s@]+)(?:@\S+)?\s+(inet6?)\s+([0-9a-fA-F.:]+)\/(\d+)(?:.*?\bscope\s+(\S+))?/;

/** The words after "scope <scope>" up to the backslash: the address flags ("dynamic", "noprefixroute"). */
function flagsAfterScope(line: string): string[] {
  const words = (line.split('\\')[0] ?? '').split(/\s+/);
  const scope = words.indexOf('scope');
  return scope < 0 ? [] : words.slice(scope + 2);
}

/** `ip -o addr show`: one line per address; for iproute2 without -j (CentOS 7's 4.11). */
export function parseIpAddrOneline(text: string): IpInterface[] {
  const byName = new Map<string, IpInterface>();
  const lines = boundedLines(text).filter((l) => l.trim() !== '');
  for (const line of lines) {
    const m = ONELINE.exec(line);
    if (!m) throw new ParseError('ip -o addr show printed a line labops cannot read', line);
    const [, name = '', family, address = '', prefixlen, scope] = m;
    const iface = byName.get(name) ?? { name, ipv4: [], ipv6: [] };
    byName.set(name, iface);
    // the flags follow the scope: "scope global dynamic ens33"
    const dynamic = flagsAfterScope(line).includes('dynamic');
    (family === 'inet' ? iface.ipv4 : iface.ipv6).push({
      address,
      prefixlen: Number(prefixlen),
      scope,
      ...(dynamic ? { dynamic: true } : {}),
    });
  }
  return [...byName.values()];
}
