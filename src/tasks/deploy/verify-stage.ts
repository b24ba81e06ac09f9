import { HostError, ParseError } from '../../errors.js';
import type { InventoryHost } from '../../inventory/index.js';
import type { SshPool } from '../../ssh/ssh-pool.js';
import { agentsFromList } from '../controller/cli-json.js';
import { toFailure } from '../controller/failure.js';
import { readInterfaces, readOvs } from '../controller/host-commands.js';
import { addressChecks, agentChecks } from '../controller/network-checks.js';
import type { OvsShow } from '../controller/parse-ovs-show.js';
import { openstackJson } from '../controller/run-openstack.js';
import { asRoot, usesSudo } from '../remote/become.js';
import { firstLine } from '../remote/first-line.js';
import type { PreflightCheck } from './deploy-check.js';

type Ssh = Pick<SshPool, 'exec'>;

/** br-ex exists and has the external interface as a port (whatever the Neutron backend's other bridges). */
export function brExPortCheck(ovs: OvsShow, extIface: string): PreflightCheck {
  const brEx = ovs.bridges.find((b) => b.name === 'br-ex');
  if (!brEx)
    return { level: 'block', text: 'ovs: no bridge br-ex', hint: 'packstack makes it from *_BRIDGE_IFACES' };
  return brEx.ports.some((p) => p.name === extIface)
    ? { level: 'ok', text: `ovs: br-ex has port ${extIface}` }
    : {
        level: 'block',
        text: `ovs: br-ex has no port ${extIface}`,
        hint: `ovs-vsctl add-port br-ex ${extIface}`,
      };
}

/** `openstack compute service list`: every service up. */
export function computeChecks(rows: unknown): PreflightCheck[] {
  if (!Array.isArray(rows)) throw new ParseError('compute service list is not a list', JSON.stringify(rows));
  const services = rows.map((r) => r as { Binary?: string; Host?: string; State?: string });
  if (services.length === 0) return [{ level: 'block', text: 'Nova lists no compute services' }];
  const down = services.filter((s) => s.State !== 'up');
  if (down.length === 0) return [{ level: 'ok', text: `compute services: all ${services.length} up` }];
  return down.map((s) => ({
    level: 'block',
    text: `compute service ${s.Binary ?? '?'} on ${s.Host ?? '?'} is ${s.State ?? 'not up'}`,
    hint: `systemctl status openstack-${s.Binary ?? 'nova-*'} on ${s.Host ?? 'the host'}; a service whose heartbeats carry a drifting clock shows down: /lab ntp status`,
  }));
}

const asCheck = (l: { state: string; text: string; hint?: string }): PreflightCheck => ({
  level: l.state === 'ok' ? 'ok' : 'block',
  text: l.text,
  hint: l.hint,
});

async function checked(
  host: string,
  what: string,
  work: () => Promise<PreflightCheck[]>,
): Promise<PreflightCheck[]> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof HostError || err instanceof ParseError)) throw err;
    const f = toFailure(err, host);
    return [{ level: 'block', text: `${what}: ${f.message}`, hint: f.hint || undefined }];
  }
}

/** Root's keystonerc_admin copied to the login home as the login user (mode 600); the content stays on the host. */
export const COPY_KEYSTONERC =
  'umask 077 && sudo -n cat /root/keystonerc_admin > ~/.keystonerc_admin.labops.tmp && mv -f ~/.keystonerc_admin.labops.tmp ~/keystonerc_admin';

/**
 * keystonerc_admin in the login home, where labops' openstack commands (and the operator) read it. packstack run
 * through sudo writes it to root's home: then it is copied over for the login user, and the check says so.
 */
export async function keystonercCheck(
  ssh: Ssh,
  host: InventoryHost,
  signal?: AbortSignal,
): Promise<PreflightCheck> {
  const home = await ssh.exec(host, 'test -f ~/keystonerc_admin', { signal });
  if (home.code === 0) return { level: 'ok', text: 'keystonerc_admin is in the login home' };
  if (usesSudo(host)) {
    const root = await ssh.exec(host, asRoot(host, 'test -f /root/keystonerc_admin'), { signal });
    if (root.code === 0) {
      const copied = await ssh.exec(host, COPY_KEYSTONERC, { signal });
      if (copied.code === 0)
        return {
          level: 'ok',
          text: `keystonerc_admin copied from /root to ${host.user}'s home (mode 600), where labops reads it`,
        };
      return {
        level: 'block',
        text: `keystonerc_admin is in /root, and copying it to ${host.user}'s home failed (${firstLine(copied.stderr) || `exit ${copied.code}`})`,
        hint: `sudo install -m 600 -o ${host.user} /root/keystonerc_admin ~${host.user}/`,
      };
    }
  }
  return {
    level: 'block',
    text: 'no ~/keystonerc_admin',
    hint: 'packstack writes it at the end of a good run',
  };
}

/** Stage 5: what the runbook looks at after packstack. Every check runs; each failure says why. */
export async function verifyDeploy(
  ssh: Ssh,
  host: InventoryHost,
  extIface: string,
  signal?: AbortSignal,
): Promise<PreflightCheck[]> {
  const keystonerc = await keystonercCheck(ssh, host, signal);
  const groups = await Promise.all([
    checked(host.name, 'addresses', async () =>
      addressChecks(await readInterfaces(ssh, host, signal), extIface).map(asCheck),
    ),
    checked(host.name, 'ovs', async () => [brExPortCheck(await readOvs(ssh, host, signal), extIface)]),
    checked(host.name, 'compute services', async () =>
      computeChecks(await openstackJson(ssh, host, ['compute', 'service', 'list'], signal)),
    ),
    checked(host.name, 'network agents', async () =>
      agentChecks(
        agentsFromList(await openstackJson(ssh, host, ['network', 'agent', 'list'], signal)),
        new Set([host.name]),
      ).map(asCheck),
    ),
  ]);
  return [keystonerc, ...groups.flat()];
}
