import { HostError } from '../../errors.js';
import type { Inventory, InventoryHost } from '../../inventory/index.js';
import type { SshPool } from '../../ssh/ssh-pool.js';
import { type Failure, failureOf } from '../remote/failure.js';
import { type NtpFacts, readNtpFacts } from './ntp-facts.js';
import { CLIENTS_GROUP, type NtpRole, ntpRole, SERVERS_GROUP, timeServerAddresses } from './ntp-targets.js';
import { NtpAddress, type NtpVars, ntpVarsOf } from './ntp-vars.js';
import { type NtpHostPlan, planNtpHost } from './plan-ntp-host.js';
import { type ChronyConfSpec, renderChronyConf } from './render-chrony-conf.js';

/** One host looked at: its role, state and planned changes, or why that was not possible. */
export interface NtpInspection {
  host: InventoryHost;
  role?: NtpRole;
  vars?: NtpVars;
  facts?: NtpFacts;
  plan?: NtpHostPlan;
  failure?: Failure;
}

/** The chrony.conf the inventory asks for on this host, or why there is none. */
export function chronyConfSpec(
  role: NtpRole,
  vars: NtpVars,
  inventory: Inventory,
): { spec: ChronyConfSpec } | { failure: Failure } {
  if (role === 'server') {
    return {
      spec: {
        role,
        upstreams: vars.ntp_upstreams,
        allow: vars.ntp_allow,
        localStratum: vars.ntp_local_stratum,
        options: vars.ntp_server_options,
      },
    };
  }
  const servers = timeServerAddresses(inventory);
  const bad = servers.find((s) => !NtpAddress.safeParse(s).success);
  if (servers.length === 0 || bad !== undefined) {
    return {
      failure: {
        message: bad
          ? `time server address "${bad}" is not an IP address or DNS name`
          : `the inventory has no time servers (group ${SERVERS_GROUP}) for this client`,
        hint: `Add the time servers to ${SERVERS_GROUP} with their ansible_host, then run /lab ntp setup again.`,
      },
    };
  }
  return { spec: { role, servers, options: vars.ntp_server_options } };
}

/** Reads one host and plans its changes; read-only. Every problem becomes the inspection's failure. */
export async function inspectNtpHost(
  ssh: Pick<SshPool, 'exec'>,
  inventory: Inventory,
  host: InventoryHost,
  signal?: AbortSignal,
): Promise<NtpInspection> {
  const role = ntpRole(host);
  if (!role) {
    return {
      host,
      failure: {
        message: `not in ${SERVERS_GROUP} or ${CLIENTS_GROUP}, so labops does not know its role`,
        hint: `Add it to ${SERVERS_GROUP} or ${CLIENTS_GROUP} in the inventory.`,
      },
    };
  }
  const parsed = ntpVarsOf(host);
  if ('problem' in parsed) {
    return { host, role, failure: { message: parsed.problem, hint: 'Fix the variable in the inventory.' } };
  }
  const { vars } = parsed;
  const conf = chronyConfSpec(role, vars, inventory);
  if ('failure' in conf) return { host, role, vars, failure: conf.failure };
  try {
    const facts = await readNtpFacts(ssh, host, role, vars, signal);
    const desiredConf = renderChronyConf(conf.spec);
    const plan = planNtpHost({ role, desiredConf, facts, login: { host: host.name, user: host.user } });
    return { host, role, vars, facts, plan, failure: plan.blocker };
  } catch (err) {
    if (err instanceof HostError) return { host, role, vars, failure: failureOf(err) };
    throw err;
  }
}
