import { describe, expect, it } from 'vitest';
import type { InventoryHost } from '../../../src/inventory/index.js';
import type { NtpHostStatus } from '../../../src/tasks/chrony/classify.js';
import { DeployVars } from '../../../src/tasks/deploy/deploy-vars.js';
import { judgePreflight, PREFLIGHT_NAMES, preflightSteps } from '../../../src/tasks/deploy/preflight.js';

const settings = { ...DeployVars.parse({}), extIface: 'ens33' };
const sections = (o: Record<string, string> = {}) =>
  new Map(
    Object.entries({
      os: 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\nPRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"\n',
      mem: 'MemTotal:        7990000 kB\n',
      fqdn: 'controller.example.lab\n',
      hosts: '10.0.0.100 controller.example.lab controller\n',
      selinux: 'Permissive\n',
      firewalld: 'disabled\n',
      networkmanager: 'enabled\n',
      network: 'Failed to get unit file state for network.service: No such file or directory\n',
      packages:
        'centos-release-openstack-yoga-1-4.el9.noarch\nopenstack-packstack-20.0.0-1.el9.noarch\npackage network-scripts is not installed\n',
      repos:
        'appstream                CentOS Stream 9 - AppStream\nbaseos                   CentOS Stream 9 - BaseOS\ncrb                      CentOS Stream 9 - CRB\n',
      answers: 'absent\n',
      running: '',
      ...o,
    }).map(([k, output]) => [k, { output, exitCode: k === 'running' && output === '' ? 1 : 0 }]),
  );
const ROCKY8 =
  'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="8.9"\nPRETTY_NAME="Rocky Linux 8.9 (Green Obsidian)"\n';
const FRESH = {
  selinux: 'Enforcing\n',
  firewalld: 'enabled\n',
  packages:
    'package centos-release-openstack-yoga is not installed\npackage openstack-packstack is not installed\npackage network-scripts is not installed\n',
  repos:
    'appstream                Rocky Linux 8 - AppStream\nbaseos                   Rocky Linux 8 - BaseOS\n',
};
const ROOT: InventoryHost = {
  name: 'controller',
  address: '10.0.0.100',
  port: 22,
  user: 'root',
  groups: [],
  vars: {},
};
const ok: NtpHostStatus = { host: 'controller', state: 'ok' };
const judge = (o: Partial<Parameters<typeof judgePreflight>[0]> = {}) =>
  judgePreflight({
    sections: sections(),
    ntp: ok,
    interfaces: [{ name: 'ens33', ipv4: [] } as never],
    settings,
    address: '10.0.0.100',
    hasPassword: true,
    user: 'root',
    sudo: false,
    ...o,
  });

describe('judgePreflight', () => {
  it('the step names are the ones the parser splits', () => {
    expect(preflightSteps(settings, ROOT).map(([n]) => n)).toEqual(PREFLIGHT_NAMES);
  });

  it('a ready controller: warns about memory under 16 GB, plans only what is not done yet', () => {
    const pf = judge();
    expect(pf.blocked).toBe(false);
    expect(pf.checks).toContainEqual(
      expect.objectContaining({ level: 'warn', text: 'memory: 8.0 GB, under the 16 GB RDO asks for' }),
    );
    expect(pf.prepare.map((p) => p.command)).toEqual(['systemctl disable --now NetworkManager']);
  });

  it('an unsynchronised clock refuses the deploy with the reason', () => {
    const pf = judge({
      ntp: {
        host: 'controller',
        state: 'unsynchronised',
        reason: 'all 2 sources unreachable',
        hint: 'Check UDP 123.',
      },
    });
    expect(pf.blocked).toBe(true);
    expect(pf.checks).toContainEqual({
      level: 'block',
      text: 'clock: unsynchronised, all 2 sources unreachable',
      hint: 'Check UDP 123.',
    });
  });

  it('refuses Debian, a short hostname, a missing interface and a missing password', () => {
    const pf = judge({
      sections: sections({
        os: 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12"\n',
        fqdn: 'controller\n',
      }),
      interfaces: [{ name: 'eth0', ipv4: [] } as never],
      hasPassword: false,
    });
    const blocks = pf.checks.filter((c) => c.level === 'block').map((c) => c.text);
    expect(blocks).toEqual([
      'no admin password configured for labops',
      'OS: Debian GNU/Linux 12 (ID=debian, VERSION_ID=12) is not RHEL-family 8 or 9',
      'hostname -f gives "controller", not a fully qualified name',
      'external interface ens33 does not exist (eth0)',
    ]);
  });

  it('a fresh 9: CRB, the release repository, dnf update before packstack, in RDO order; no network-scripts', () => {
    const pf = judge({ sections: sections({ ...FRESH, repos: 'baseos  CentOS Stream 9 - BaseOS\n' }) });
    expect(pf.prepare.map((p) => p.command)).toEqual([
      "setenforce 0 && sed -i 's/^SELINUX=.*/SELINUX=permissive/' '/etc/selinux/config'",
      'dnf install -y dnf-plugins-core && dnf config-manager --set-enabled crb',
      'dnf install -y centos-release-openstack-yoga',
      'dnf update -y',
      'systemctl disable --now firewalld',
      'systemctl disable --now NetworkManager',
      'dnf install -y openstack-packstack',
    ]);
  });

  it('a fresh 8: PowerTools, and network-scripts with the network service taking over from NetworkManager', () => {
    const pf = judge({ sections: sections({ ...FRESH, os: ROCKY8, network: 'disabled\n' }) });
    expect(pf.blocked).toBe(false);
    const commands = pf.prepare.map((p) => p.command);
    expect(commands).toEqual([
      "setenforce 0 && sed -i 's/^SELINUX=.*/SELINUX=permissive/' '/etc/selinux/config'",
      'dnf install -y dnf-plugins-core && dnf config-manager --set-enabled powertools',
      'dnf install -y centos-release-openstack-yoga',
      'dnf update -y',
      'dnf install -y network-scripts',
      'systemctl disable --now firewalld',
      'systemctl disable --now NetworkManager',
      'systemctl enable --now network',
      'dnf install -y openstack-packstack',
    ]);
    // a second look after all that: nothing left to do
    const again = judge({
      sections: sections({
        os: ROCKY8,
        network: 'enabled\n',
        networkmanager: 'disabled\n',
        packages:
          'centos-release-openstack-yoga-1-4.el8.noarch\nopenstack-packstack-20.0.0-1.el8.noarch\nnetwork-scripts-10.00.18-1.el8.x86_64\n',
        repos: 'PowerTools   Rocky Linux 8 - PowerTools\n',
      }),
    });
    expect(again.prepare).toEqual([]);
  });

  it('RHEL: CodeReady Builder is for subscription-manager, so a warning with the command, not a change', () => {
    const pf = judge({
      sections: sections({
        os: 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nVERSION_ID="9.4"\nPRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"\n',
        repos: 'rhel-9-for-x86_64-baseos-rpms   Red Hat Enterprise Linux 9 for x86_64 - BaseOS (RPMs)\n',
      }),
    });
    expect(pf.blocked).toBe(false);
    expect(pf.prepare.map((p) => p.command)).not.toContainEqual(expect.stringContaining('config-manager'));
    expect(pf.checks).toContainEqual({
      level: 'warn',
      text: 'repositories: CodeReady Builder is not enabled',
      hint: 'subscription-manager repos --enable codeready-builder-for-rhel-9-$(arch)-rpms',
    });
  });

  it('a packstack already running on the controller (a stopped worker left it) refuses the deploy', () => {
    const pf = judge({
      sections: sections({
        running: '4242 /usr/bin/python3 /usr/bin/packstack --answer-file=/root/openstack.txt\n',
      }),
    });
    expect(pf.blocked).toBe(true);
    expect(pf.checks).toContainEqual(
      expect.objectContaining({
        level: 'block',
        text: 'packstack is already running on the controller (4242 /usr/bin/python3 /usr/bin/packstack --answer-file=/root/openstack.txt)',
      }),
    );
  });

  it('looks for packstack on its own answer file only, with a pattern that cannot match the looking shell', () => {
    const step = preflightSteps({ ...settings, packstack_answer_file: '/root/open.stack+1.txt' }, ROOT).find(
      ([n]) => n === 'running',
    );
    expect(step?.[1]).toBe("pgrep -a -f '[p]ackstack --answer-file=/root/open\\.stack\\+1\\.txt'");
  });

  it('asks as root whether the answer file exists, and refuses when it cannot tell', () => {
    const sudoUser: InventoryHost = { ...ROOT, user: 'labops', vars: { ansible_become: true } };
    const step = preflightSteps(settings, sudoUser).find(([n]) => n === 'answers');
    expect(step?.[1]).toMatch(/^sudo -n sh -c '.*\/root\/openstack\.txt.*'$/);
    const pf = judge({ sections: sections({ answers: 'sudo: a password is required\n' }) });
    expect(pf.blocked).toBe(true);
    expect(pf.checks).toContainEqual(
      expect.objectContaining({
        level: 'block',
        text: 'cannot tell as root whether /root/openstack.txt exists (sudo: a password is required)',
      }),
    );
  });

  it('a DHCP address on the external interface: refused on 9 (nothing renews it without NetworkManager), a warning on 8', () => {
    const dhcp = [
      { name: 'ens33', ipv4: [{ address: '10.0.0.100', prefixlen: 24, dynamic: true }], ipv6: [] },
    ];
    const on9 = judge({ interfaces: dhcp });
    expect(on9.blocked).toBe(true);
    expect(on9.checks).toContainEqual(
      expect.objectContaining({
        level: 'block',
        text: 'ens33 has a DHCP address (10.0.0.100/24); RDO needs a static one: with NetworkManager off nothing would renew the lease',
        hint: expect.stringContaining(
          'ipv4.method manual ipv4.addresses 10.0.0.100/24 ipv4.gateway <gateway>',
        ),
      }),
    );
    const on8 = judge({ interfaces: dhcp, sections: sections({ os: ROCKY8, network: 'enabled\n' }) });
    expect(on8.blocked).toBe(false);
    expect(on8.checks).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        text: 'ens33 has a DHCP address (10.0.0.100/24); RDO needs a static one',
      }),
    );
    const fixed = judge({
      interfaces: [{ name: 'ens33', ipv4: [{ address: '10.0.0.100', prefixlen: 24 }], ipv6: [] }],
    });
    expect(fixed.checks.map((c) => c.text)).not.toContainEqual(expect.stringContaining('DHCP'));
  });

  it('a non-root login without sudo is refused before anything runs', () => {
    const pf = judge({ user: 'labops', sudo: false });
    expect(pf.blocked).toBe(true);
    expect(pf.checks).toContainEqual(
      expect.objectContaining({
        level: 'block',
        text: 'labops logs in to the controller as labops, without sudo: packstack and the prepare steps need root',
      }),
    );
    expect(judge({ user: 'labops', sudo: true }).blocked).toBe(false);
  });

  it("EL8's network service is SysV: systemctl's redirect notice before 'enabled' still reads as enabled", () => {
    const pf = judge({
      sections: sections({
        os: ROCKY8,
        network:
          'network.service is not a native service, redirecting to systemd-sysv-install.\nExecuting: /usr/lib/systemd/systemd-sysv-install is-enabled network\nenabled\n',
        packages:
          'centos-release-openstack-yoga-1-4.el8.noarch\nopenstack-packstack-20.0.0-1.el8.noarch\nnetwork-scripts-10.00.18-1.el8.x86_64\n',
        networkmanager: 'disabled\n',
        repos: 'powertools   Rocky Linux 8 - PowerTools\n',
      }),
    });
    expect(pf.prepare).toEqual([]);
  });
});
