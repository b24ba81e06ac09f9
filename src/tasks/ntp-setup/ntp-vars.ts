import { isIP } from 'node:net';
import { z } from 'zod';
import type { InventoryHost } from '../../inventory/index.js';
import { Ipv4Cidr } from '../../net/ipv4.js';
import { RemotePath } from '../remote/remote-path.js';
import { ServerOptions } from './server-options.js';

const DNS_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** An NTP server as chrony.conf names it: an IP address or a DNS name. */
export const NtpAddress = z
  .string()
  .refine((v) => isIP(v) !== 0 || DNS_NAME.test(v), 'must be an IP address or a DNS name');

/** One upstream of a time server, as a chrony directive: `pool` (many servers behind one name) or `server`. */
export interface Upstream {
  kind: 'pool' | 'server';
  address: string;
}

// names of the NTP Pool project stand for many servers: chrony's pool directive uses several of them
const isPoolName = (name: string) => /(^|\.)pool\.ntp\.org$/i.test(name);

const UpstreamVar = z.union([
  NtpAddress.transform((address): Upstream => ({ kind: isPoolName(address) ? 'pool' : 'server', address })),
  z
    .object({ pool: NtpAddress })
    .strict()
    .transform((u): Upstream => ({ kind: 'pool', address: u.pool })),
  z
    .object({ server: NtpAddress })
    .strict()
    .transform((u): Upstream => ({ kind: 'server', address: u.server })),
]);

/**
 * The inventory variables `/lab ntp setup` reads, with the runbook's values as defaults. `ntp_upstreams` items are
 * a name (a pool for *.pool.ntp.org, else a server) or `{ pool: name }` / `{ server: name }`.
 */
export const NtpVars = z.object({
  ntp_upstreams: z.array(UpstreamVar).max(16).default(['2.pool.ntp.org']),
  ntp_allow: z.array(Ipv4Cidr).max(32).default(['192.168.0.0/16']),
  ntp_local_stratum: z.coerce.number().int().min(1).max(15).default(3),
  ntp_server_options: ServerOptions.default(''),
  /** Seconds to wait for the host to select a source after a change. */
  ntp_verify_timeout_s: z.coerce.number().min(0).max(600).default(60),
  chrony_conf_path: RemotePath.optional(),
  /** A letter or digit first: the unit reaches systemctl's command line and must never read as an option. */
  chrony_service: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/, 'must be a systemd unit name (a letter or digit first)')
    .optional(),
});
export type NtpVars = z.infer<typeof NtpVars>;

/** The host's NTP variables, or what is wrong with them in words naming the variable. */
export function ntpVarsOf(host: InventoryHost): { vars: NtpVars } | { problem: string } {
  const parsed = NtpVars.safeParse(host.vars);
  if (parsed.success) return { vars: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.join('.') || 'ntp variables';
  return { problem: `inventory variable ${where}: ${issue?.message ?? 'invalid'}` };
}
