import { chmodSync, chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ensureKeyPair, publicKey } from './keys.js';
import { knownHostsText } from './known-hosts.js';
import {
  type AdminHostPlan,
  chronyPaths,
  OS_RELEASE,
  SELINUX_CONFIG,
  wrongChronyConf,
} from './ntp-admin-hosts.js';
import {
  firewallCmdStandIn,
  getenforceStandIn,
  refusingSudoStandIn,
  type StandInHost,
  setenforceStandIn,
  systemctlStandIn,
} from './ntp-admin-stand-ins.js';
import { writeChronycWrapper, writeSshdFiles } from './sshd.js';

/** uid/gid of the non-root login ('labops'), known only inside that host's mount namespace. */
export const LABOPS_UID = 64242;

/** Where one admin host's files are. */
export interface AdminHostFiles {
  plan: AdminHostPlan;
  hostDir: string;
  /** The upper dir of the overlay mounted on /etc in the host's namespace: what labops wrote ends up here. */
  etcDir: string;
  stateDir: string;
  changesLog: string;
  cmdport: number;
  /** The sh script that mounts the private /etc, starts chronyd if the plan says so, and execs sshd. */
  namespaceScript?: string;
}

const exec = (path: string, text: string) => {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
};

/** The lines the systemctl stand-in appends to the written chrony.conf (see LAB.md: the last one wins). */
function instanceLines(plan: AdminHostPlan, stateDir: string, cmdport: number): string[] {
  return [
    `pidfile ${join(stateDir, 'chronyd.pid')}`,
    `driftfile ${join(stateDir, 'chrony.drift')}`,
    'bindcmdaddress 127.0.0.1',
    'bindcmdaddress /',
    `cmdport ${cmdport}`,
    'cmdallow 127.0.0.1',
    ...(plan.group === 'ntp_servers' ? ['port 123', `bindaddress ${plan.address}`] : ['port 0']),
  ];
}

/** The host's private /etc (overlay upper dir): os-release, a wrong chrony.conf, SELinux config, the login user. */
function writeEtc(plan: AdminHostPlan, etcDir: string, home: string, unserved: string): void {
  rmSync(etcDir, { recursive: true, force: true });
  mkdirSync(etcDir, { recursive: true });
  writeFileSync(join(etcDir, 'os-release'), OS_RELEASE[plan.os]);
  const conf = join(etcDir, chronyPaths(plan.os).conf.replace(/^\/etc\//, ''));
  mkdirSync(join(conf, '..'), { recursive: true });
  writeFileSync(conf, wrongChronyConf(unserved));
  if (plan.selinux !== 'absent') {
    mkdirSync(join(etcDir, 'selinux'), { recursive: true });
    writeFileSync(join(etcDir, 'selinux', 'config'), SELINUX_CONFIG);
  }
  if (plan.login === 'labops') {
    const passwd = readFileSync('/etc/passwd', 'utf8');
    writeFileSync(
      join(etcDir, 'passwd'),
      `${passwd}labops:x:${LABOPS_UID}:${LABOPS_UID}:labops lab user:${home}:/bin/bash\n`,
    );
    writeFileSync(join(etcDir, 'group'), `${readFileSync('/etc/group', 'utf8')}labops:x:${LABOPS_UID}:\n`);
  }
}

function writeState(plan: AdminHostPlan, stateDir: string): void {
  rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(join(stateDir, 'chronyd.enabled'), plan.chronyd === 'running' ? 'enabled\n' : 'disabled\n');
  writeFileSync(join(stateDir, 'chronyd.result'), 'inactive\n');
  if (plan.firewalld !== 'absent') {
    writeFileSync(join(stateDir, 'firewalld'), `${plan.firewalld}\n`);
    for (const list of ['runtime', 'permanent'])
      writeFileSync(join(stateDir, `firewalld.${list}`), 'ssh\ndhcpv6-client\ncockpit\n');
  }
  if (plan.selinux !== 'absent') writeFileSync(join(stateDir, 'selinux'), `${plan.selinux}\n`);
}

/** Everything one admin host needs: keys, sshd_config, private /etc, stand-ins, state. Starts nothing. */
export async function writeAdminHostFiles(
  plan: AdminHostPlan,
  o: { dir: string; sshPort: number; cmdport: number; registryPath: string; unserved: string },
): Promise<AdminHostFiles> {
  const hostDir = join(o.dir, 'hosts', plan.name);
  const bin = join(hostDir, 'bin');
  const stateDir = join(hostDir, 'state');
  const etcDir = join(hostDir, 'etc');
  const home = join(hostDir, 'home');
  const changesLog = join(hostDir, 'changes.log');
  rmSync(bin, { recursive: true, force: true });
  mkdirSync(bin, { recursive: true });
  await ensureKeyPair(join(hostDir, 'ssh_host_ed25519_key'), plan.name);
  writeEtc(plan, etcDir, home, o.unserved);
  rmSync(join(hostDir, 'etc-work'), { recursive: true, force: true });
  mkdirSync(join(hostDir, 'etc-work'));
  writeState(plan, stateDir);
  writeFileSync(changesLog, '');

  const paths = chronyPaths(plan.os);
  const standIn: StandInHost = {
    name: plan.name,
    stateDir,
    changesLog,
    registryPath: o.registryPath,
    chronyConf: paths.conf,
    unit: paths.unit,
    aliases: paths.aliases,
    instanceLines: instanceLines(plan, stateDir, o.cmdport),
  };
  exec(join(bin, 'systemctl'), systemctlStandIn(standIn));
  if (plan.firewalld !== 'absent') exec(join(bin, 'firewall-cmd'), firewallCmdStandIn(standIn));
  if (plan.selinux !== 'absent') {
    exec(join(bin, 'getenforce'), getenforceStandIn(standIn));
    exec(join(bin, 'setenforce'), setenforceStandIn(standIn));
  }
  if (plan.login === 'labops') exec(join(bin, 'sudo'), refusingSudoStandIn(standIn));
  writeChronycWrapper(hostDir, o.cmdport);

  const files: AdminHostFiles = { plan, hostDir, etcDir, stateDir, changesLog, cmdport: o.cmdport };
  if (plan.sshd === 'none') return files;
  const sshdConfig = writeSshdFiles({
    hostDir,
    address: plan.address,
    port: o.sshPort,
    hostKeyPath: join(hostDir, 'ssh_host_ed25519_key'),
    authorizedKeysPath: join(o.dir, 'authorized_keys'),
    recorderPath: join(o.dir, 'bin', 'record-and-run'),
    // no /usr/sbin: hosts without SELinux tools must not find the real machine's, if it has them
    path: `${bin}:/usr/bin:/bin`,
  });
  if (plan.login === 'labops') {
    // the recorder runs as that user and appends to the command log
    for (const p of [join(hostDir, 'commands.log'), home, join(home, '.bashrc'), stateDir])
      chownSync(p, LABOPS_UID, LABOPS_UID);
  }
  const start =
    plan.chronyd === 'running' ? `LAB_NO_RECORD=1 ${join(bin, 'systemctl')} start ${paths.unit}\n` : '';
  files.namespaceScript = `set -e
mount -t overlay overlay -o lowerdir=/etc,upperdir=${etcDir},workdir=${join(hostDir, 'etc-work')} /etc
${start}exec /usr/sbin/sshd -f ${sshdConfig} -D -e
`;
  return files;
}

/** The inventory of the admin hosts only, so `/lab ntp setup` (servers, then clients) acts on them alone. */
export function adminInventoryText(hosts: AdminHostPlan[], o: { sshPort: number; keyPath: string }): string {
  const group = (name: AdminHostPlan['group']) =>
    Object.fromEntries(
      hosts
        .filter((h) => h.group === name)
        .map((h) => [
          h.name,
          h.login === 'root'
            ? { ansible_host: h.address }
            : { ansible_host: h.address, ansible_user: h.login, ansible_become: true },
        ]),
    );
  const inventory = {
    all: {
      vars: { ansible_user: 'root', ansible_port: o.sshPort, ansible_ssh_private_key_file: o.keyPath },
      children: {
        ntp_servers: {
          // no upstream: the lab's servers serve their own clock; loopback clients may ask
          vars: { ntp_upstreams: [], ntp_allow: ['127.0.0.0/8'], ntp_local_stratum: 3 },
          hosts: group('ntp_servers'),
        },
        ntp_clients: {
          // poll every 0.25 s: a source is selected in about a second instead of minutes
          vars: { ntp_server_options: 'minpoll -2 maxpoll -2', ntp_verify_timeout_s: 20 },
          hosts: group('ntp_clients'),
        },
      },
    },
  };
  return `# Written by test/lab (ntpAdmin): hosts for /lab ntp setup and /lab host prep.\n${stringify(inventory)}`;
}

/** known_hosts lines for the admin hosts (also the one with no sshd, so labops gets as far as "refused"). */
export function adminKnownHosts(files: AdminHostFiles[], sshPort: number): string {
  return knownHostsText(
    files.map((f) => ({
      address: f.plan.address,
      port: sshPort,
      key: publicKey(join(f.hostDir, 'ssh_host_ed25519_key')),
      hashed: false,
    })),
  );
}
