import { HostError } from '../errors.js';
import type { InventoryHost } from '../inventory/index.js';
import { entriesFor, type KnownHostEntry, knownHostsName } from '../ssh/known-hosts.js';
import type { SshPool } from '../ssh/ssh-pool.js';
import { usesSudo } from '../tasks/remote/become.js';
import { type Finding, ok, problem } from './finding.js';
import { keyscanFix } from './keyscan-fix.js';

export interface HostCheckDeps {
  knownHosts: KnownHostEntry[];
  knownHostsPath: string;
  ssh: Pick<SshPool, 'exec'>;
  tcp(address: string, port: number): Promise<string | undefined>;
  timeoutMs: number;
}

/** A tool the host needs for the commands labops runs there, by group. */
interface Tool {
  check: string;
  command: string;
  fix: string;
}

function toolsOf(host: InventoryHost): Tool[] {
  const tools: Tool[] = [
    {
      check: 'chronyc',
      command: 'command -v chronyc',
      fix: 'Install chrony (dnf install chrony / apt install chrony).',
    },
  ];
  if (host.groups.includes('openstack_controllers'))
    tools.push(
      {
        check: 'keystonerc_admin',
        command: 'test -r "$HOME/keystonerc_admin"',
        fix: `packstack writes /root/keystonerc_admin: copy it to the home of ${host.user} on ${host.name} (or deploy with /lab deploy openstack).`,
      },
      {
        check: 'openstack CLI',
        command: 'command -v openstack',
        fix: 'Install python3-openstackclient on the controller (packstack installs it).',
      },
    );
  if (host.groups.includes('ceph_mons'))
    tools.push({ check: 'ceph CLI', command: 'command -v ceph', fix: 'Install ceph-common on the monitor.' });
  return tools;
}

/**
 * Everything labops needs of one host, in order: a known_hosts entry, TCP, the host key, the login key, sudo -n
 * where ansible_become is set, and the tools of its groups. Reads only; never adds a key.
 */
export async function checkHost(host: InventoryHost, deps: HostCheckDeps): Promise<Finding[]> {
  const name = knownHostsName(host.address, host.port);
  const known = entriesFor(deps.knownHosts, name).length > 0;
  const found: Finding[] = [
    known
      ? ok(host.name, 'known_hosts', `has ${name}`)
      : problem(
          'fail',
          host.name,
          'known_hosts',
          `no entry for ${name} in ${deps.knownHostsPath}`,
          keyscanFix(host, deps.knownHostsPath),
        ),
  ];
  const unreachable = await deps.tcp(host.address, host.port);
  if (unreachable) {
    found.push(
      problem(
        'fail',
        host.name,
        'TCP',
        `${unreachable} (${host.address}:${host.port})`,
        `Check that ${host.name} is up and sshd listens on port ${host.port}, and the address in the inventory.`,
      ),
    );
    return found;
  }
  found.push(ok(host.name, 'TCP', `${host.address}:${host.port} answers`));
  if (!known) return found; // labops never connects to a host it cannot verify
  const login = await sshLogin(host, deps);
  found.push(...login);
  if (login.some((f) => f.verdict === 'fail')) return found;
  const checks = [...toolsOf(host).map((t) => tool(host, t, deps))];
  if (usesSudo(host)) checks.unshift(sudo(host, deps));
  return [...found, ...(await Promise.all(checks))];
}

async function sshLogin(host: InventoryHost, deps: HostCheckDeps): Promise<Finding[]> {
  try {
    await deps.ssh.exec(host, 'true', { timeoutMs: deps.timeoutMs });
    return [
      ok(host.name, 'host key', 'matches known_hosts'),
      ok(host.name, 'login', `${host.user} with ${host.keyPath ?? 'the default key'}`),
    ];
  } catch (err) {
    if (!(err instanceof HostError)) throw err;
    if (err.code === 'hostkey-mismatch')
      return [problem('fail', host.name, 'host key', err.message, err.hint)];
    const check = err.code === 'auth' ? 'login' : 'SSH';
    return [
      ok(host.name, 'host key', 'matches known_hosts'),
      problem('fail', host.name, check, err.message, err.hint),
    ].slice(err.code === 'auth' ? 0 : 1);
  }
}

async function sudo(host: InventoryHost, deps: HostCheckDeps): Promise<Finding> {
  const r = await run(host, 'sudo -n true', deps);
  if (r.code === 0)
    return ok(host.name, 'sudo -n', `${host.user} may run commands as root without a password`);
  return problem(
    'fail',
    host.name,
    'sudo -n',
    `${host.user} cannot: ${r.stderr.trim().split('\n')[0] || `exit ${r.code}`}`,
    `ansible_become is set: give ${host.user} passwordless sudo on ${host.name} (a sudoers.d line "${host.user} ALL=(ALL) NOPASSWD: ALL"), or log in as root.`,
  );
}

async function tool(host: InventoryHost, t: Tool, deps: HostCheckDeps): Promise<Finding> {
  const r = await run(host, t.command, deps);
  return r.code === 0
    ? ok(host.name, t.check, r.stdout.trim() || 'present')
    : problem('fail', host.name, t.check, r.error ?? 'missing', t.fix);
}

async function run(host: InventoryHost, command: string, deps: HostCheckDeps) {
  try {
    return { ...(await deps.ssh.exec(host, command, { timeoutMs: deps.timeoutMs })), error: undefined };
  } catch (err) {
    return { code: -1, stdout: '', stderr: '', error: (err as Error).message };
  }
}
