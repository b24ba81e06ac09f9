/** One host of the NTP administration lab (LabOptions.ntpAdmin): a machine for /lab ntp setup and /lab host prep to fix. */
export interface AdminHostPlan {
  name: string;
  group: 'ntp_servers' | 'ntp_clients';
  address: string;
  /** Its /etc/os-release: RHEL family (chrony.conf in /etc, unit chronyd) or Debian family (/etc/chrony/, chrony). */
  os: 'rocky' | 'debian' | 'ubuntu';
  /** running: sshd in a private mount namespace; none: nothing listens (unreachable). */
  sshd: 'running' | 'none';
  /** root, or 'labops': a user with ansible_become whose sudo wants a password (so labops may not). */
  login: 'root' | 'labops';
  /** Whether chronyd runs (on the wrong chrony.conf) when the lab starts, and is enabled at boot. */
  chronyd: 'running' | 'stopped';
  /** firewalld's state; absent: no firewall-cmd. */
  firewalld: 'running' | 'not running' | 'absent';
  /** getenforce's answer; absent: no SELinux tools (Debian family). */
  selinux: 'Enforcing' | 'Permissive' | 'absent';
}

/** First host number of the admin hosts in the lab's net, well above the fixed and extra hosts. */
export const ADMIN_FIRST_HOST = 201;

/** The hosts, numbered .201, .202, ... in `net`. */
export function planAdminHosts(net: string): AdminHostPlan[] {
  const host = (p: Omit<AdminHostPlan, 'address' | 'sshd' | 'login'> & Partial<AdminHostPlan>) => ({
    sshd: 'running' as const,
    login: 'root' as const,
    ...p,
  });
  const plans: Omit<AdminHostPlan, 'address'>[] = [
    host({
      name: 'adm-server1',
      group: 'ntp_servers',
      os: 'rocky',
      chronyd: 'running',
      firewalld: 'running',
      selinux: 'Enforcing',
    }),
    host({
      name: 'adm-server2',
      group: 'ntp_servers',
      os: 'debian',
      chronyd: 'running',
      firewalld: 'not running',
      selinux: 'absent',
    }),
    host({
      name: 'adm-client1',
      group: 'ntp_clients',
      os: 'rocky',
      chronyd: 'stopped',
      firewalld: 'running',
      selinux: 'Enforcing',
    }),
    host({
      name: 'adm-client2',
      group: 'ntp_clients',
      os: 'ubuntu',
      chronyd: 'running',
      firewalld: 'absent',
      selinux: 'absent',
    }),
    host({
      name: 'adm-nosudo',
      group: 'ntp_clients',
      os: 'rocky',
      chronyd: 'stopped',
      firewalld: 'running',
      selinux: 'Enforcing',
      login: 'labops',
    }),
    host({
      name: 'adm-off',
      group: 'ntp_clients',
      os: 'rocky',
      chronyd: 'stopped',
      firewalld: 'absent',
      selinux: 'absent',
      sshd: 'none',
    }),
  ];
  return plans.map((p, i) => ({ ...p, address: `${net}.${ADMIN_FIRST_HOST + i}` }));
}

/** Where chrony lives on the host's OS family, as the real packages put it. */
export function chronyPaths(os: AdminHostPlan['os']): { conf: string; unit: string; aliases: string[] } {
  return os === 'rocky'
    ? { conf: '/etc/chrony.conf', unit: 'chronyd', aliases: [] }
    : { conf: '/etc/chrony/chrony.conf', unit: 'chrony', aliases: ['chronyd'] };
}

export const OS_RELEASE: Readonly<Record<AdminHostPlan['os'], string>> = {
  rocky: `NAME="Rocky Linux"
VERSION="9.3 (Blue Onyx)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.3"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"
`,
  debian: `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
`,
  ubuntu: `PRETTY_NAME="Ubuntu 22.04.4 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.4 LTS (Jammy Jellyfish)"
ID=ubuntu
ID_LIKE=debian
`,
};

/**
 * A deliberately wrong chrony.conf, as a host might have before labops: the distribution's file pointed at an
 * address nothing serves, no allow, no local stratum (so a "time server" serves nobody). Loopback only: no DNS.
 */
export function wrongChronyConf(unserved: string): string {
  return `# Use public servers from the pool.ntp.org project.
server ${unserved} iburst
driftfile /var/lib/chrony/drift
makestep 1.0 3
rtcsync
logdir /var/log/chrony
`;
}

export const SELINUX_CONFIG = `# This file controls the state of SELinux on the system.
# SELINUX= can take one of these three values:
#     enforcing - SELinux security policy is enforced.
#     permissive - SELinux prints warnings instead of enforcing.
#     disabled - No SELinux policy is loaded.
SELINUX=enforcing
# SELINUXTYPE= can take one of these three values:
#     targeted - Targeted processes are protected,
#     minimum - Modification of targeted policy. Only selected processes are protected.
#     mls - Multi Level Security protection.
SELINUXTYPE=targeted
`;
