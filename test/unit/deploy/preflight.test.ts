import { describe, expect, it } from 'vitest';
import { DeployVars } from '../../../src/tasks/deploy/deploy-vars.js';
import { judgePreflight, PREFLIGHT_NAMES, preflightSteps } from '../../../src/tasks/deploy/preflight.js';
import type { NtpHostStatus } from '../../../src/tasks/ntp-status/classify.js';

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
      packages: 'centos-release-openstack-yoga-1-4.el9.noarch\nopenstack-packstack-20.0.0-1.el9.noarch\n',
      answers: 'absent\n',
      ...o,
    }).map(([k, output]) => [k, { output, exitCode: 0 }]),
  );
const ok: NtpHostStatus = { host: 'controller', state: 'ok' };
const judge = (o: Partial<Parameters<typeof judgePreflight>[0]> = {}) =>
  judgePreflight({
    sections: sections(),
    ntp: ok,
    interfaces: [{ name: 'ens33', ipv4: [] } as never],
    settings,
    address: '10.0.0.100',
    hasPassword: true,
    ...o,
  });

describe('judgePreflight', () => {
  it('the step names are the ones the parser splits', () => {
    expect(preflightSteps(settings).map(([n]) => n)).toEqual(PREFLIGHT_NAMES);
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
});
