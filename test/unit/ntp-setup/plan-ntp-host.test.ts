import { describe, expect, it } from 'vitest';
import type { NtpFacts } from '../../../src/tasks/ntp-setup/ntp-facts.js';
import { describeAction, planNtpHost } from '../../../src/tasks/ntp-setup/plan-ntp-host.js';
import { parseOsRelease } from '../../../src/tasks/remote/os-release.js';

const WANT = 'server 10.0.0.1 iburst\n';
const facts = (over: Partial<NtpFacts> = {}): NtpFacts => ({
  os: parseOsRelease('ID=rocky\nPRETTY_NAME="Rocky Linux 9"\n'),
  confPath: '/etc/chrony.conf',
  service: 'chronyd',
  conf: WANT,
  active: 'active',
  enabled: 'enabled',
  ...over,
});
const login = { host: 'h1', user: 'root' };
const plan = (role: 'server' | 'client', f: NtpFacts) =>
  planNtpHost({ role, desiredConf: WANT, facts: f, login });
const kinds = (p: ReturnType<typeof plan>) => p.actions.map((a) => a.kind);
const fw = (state: 'running' | 'not-running' | 'absent', services: string[] = []) => ({
  state,
  runtime: services,
  permanent: services,
});

describe('planNtpHost (current state -> changes)', () => {
  it('a host already set up: nothing to do', () => {
    expect(plan('client', facts())).toEqual({ actions: [], notes: [] });
    expect(plan('server', facts({ firewall: fw('running', ['ssh', 'ntp']) }))).toEqual({
      actions: [],
      notes: ['firewalld already allows ntp (UDP 123)'],
    });
  });

  it('a wrong file: write it (with a diff and a backup), then restart', () => {
    const p = plan('client', facts({ conf: 'server 192.0.2.1 iburst\n' }));
    expect(kinds(p)).toEqual(['write-conf', 'restart']);
    expect(p.actions[0]).toMatchObject({
      path: '/etc/chrony.conf',
      backup: '/etc/chrony.conf.labops.bak',
      content: WANT,
      diff: '--- /etc/chrony.conf\n+++ /etc/chrony.conf\n@@ -1 +1 @@\n-server 192.0.2.1 iburst\n+server 10.0.0.1 iburst\n',
    });
    expect(p.actions[1]).toEqual({
      kind: 'restart',
      service: 'chronyd',
      because: '/etc/chrony.conf changes',
    });
  });

  it('no file yet: written without a backup', () => {
    const p = plan('client', facts({ conf: null }));
    expect(p.actions[0]).toMatchObject({ kind: 'write-conf', backup: undefined });
    expect(p.actions[0] && describeAction(p.actions[0], 'plan')).toBe('write /etc/chrony.conf (new file)');
  });

  it('right file but the service is stopped or disabled: enable and start it', () => {
    expect(kinds(plan('client', facts({ active: 'inactive', enabled: 'disabled' })))).toEqual([
      'enable',
      'restart',
    ]);
    expect(plan('client', facts({ active: 'failed' })).actions).toEqual([
      { kind: 'restart', service: 'chronyd', because: 'it is failed' },
    ]);
    expect(kinds(plan('client', facts({ enabled: 'alias' })))).toEqual([]);
  });

  it('time servers: opens ntp where firewalld runs and lacks it; notes it otherwise', () => {
    expect(kinds(plan('server', facts({ firewall: fw('running', ['ssh']) })))).toEqual(['open-firewall']);
    // allowed until a reload, but not permanently: open it properly
    const half = { state: 'running' as const, runtime: ['ntp'], permanent: [] };
    expect(kinds(plan('server', facts({ firewall: half })))).toEqual(['open-firewall']);
    expect(plan('server', facts({ firewall: fw('not-running') }))).toEqual({
      actions: [],
      notes: ['firewalld is not running: no firewall change'],
    });
    expect(plan('server', facts({ firewall: fw('absent') })).notes).toEqual([
      'firewalld is not installed: no firewall change',
    ]);
    // clients never touch the firewall
    expect(kinds(plan('client', facts({ firewall: fw('running') })))).toEqual([]);
  });

  it('changes in the order they must happen: file, firewall, enable, restart', () => {
    const p = plan(
      'server',
      facts({ conf: 'x\n', active: 'inactive', enabled: 'disabled', firewall: fw('running') }),
    );
    expect(kinds(p)).toEqual(['write-conf', 'open-firewall', 'enable', 'restart']);
  });

  it('a missing unit or a sudo refusal blocks the host, with what to do', () => {
    const missing = plan(
      'client',
      facts({ enabled: 'Failed to get unit file state for chronyd.service: No such file or directory' }),
    );
    expect(missing.blocker?.message).toMatch(/^systemd has no unit chronyd/);
    const p = planNtpHost({
      role: 'client',
      desiredConf: WANT,
      facts: facts({ conf: 'x\n', sudoRefusal: 'sudo: a password is required' }),
      login: { host: 'h9', user: 'labops' },
    });
    expect(p.blocker).toEqual({
      message: 'sudo refused to run commands as root for labops (sudo: a password is required)',
      hint: 'Give labops passwordless sudo on h9 (NOPASSWD in /etc/sudoers.d), or log in as root (ansible_user).',
    });
    // nothing to change: sudo is not needed, so not a problem
    expect(
      planNtpHost({
        role: 'client',
        desiredConf: WANT,
        facts: facts({ sudoRefusal: 'sudo: a password is required' }),
        login,
      }).blocker,
    ).toBeUndefined();
  });
});
