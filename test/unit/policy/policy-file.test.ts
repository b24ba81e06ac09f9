import { describe, expect, it } from 'vitest';
import { approvalsOf, requiredRole } from '../../../src/policy/command-roles.js';
import { PolicyError, parsePolicyFile, policyOfEnvironment } from '../../../src/policy/load-policy.js';
import type { Policy } from '../../../src/policy/policy.js';
import { ISSUE_EXAMPLE } from './issue-example.js';

const problems = (text: string) => {
  try {
    parsePolicyFile(text, '/etc/labops/policy.yml');
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return (err as Error).message.split('\n');
  }
  throw new Error('the policy was accepted');
};

describe('the LAB_POLICY file', () => {
  it("reads the issue's example with its keys as written", () => {
    const file = parsePolicyFile(ISSUE_EXAMPLE, 'policy.yml');
    expect(Object.keys(file.labs)).toEqual(['alpha', 'beta']);
    expect(file.labs.alpha).toMatchObject({
      inventory: '/etc/labops/alpha.yml',
      known_hosts: '/etc/labops/alpha_known_hosts',
      ssh_key: '/etc/labops/alpha_ed25519',
      channels: ['C0123ALPHA'],
      alert_channel: 'C0123ALRTA',
      roles: { operator: ['U0456OPER'] },
    });
    expect(file.labs.beta?.roles).toEqual({ operator: ['S0789OPS'] });
    expect(file.roles).toEqual({ viewer: ['U0111VIEW'], admin: ['U0222ADM', 'U0333ADM'] });
    expect(file.default_role).toBe('none');
    expect(file.commands['ntp setup']).toBe('operator');
    expect(file.approvals).toEqual({ 'deploy openstack': 2 });
  });

  it('says every problem, one line each, naming the key', () => {
    const lines = problems(`
labs:
  alpha:
    inventory: /a.yml
    channels: [C1AAA, nope]
    roles: { operater: [U1AAA] }
default_role: admin
`);
    expect(lines[0]).toBe('the policy /etc/labops/policy.yml has problems:');
    expect(lines).toContain('  labs.alpha.channels.1: must be a Slack channel id such as C0123ABCD');
    expect(lines.some((l) => /^ {2}labs\.alpha\.roles: Unrecognized key.*operater/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {2}default_role: /.test(l))).toBe(true);
  });

  it('binds a channel to one lab only', () => {
    const lines = problems(`
labs:
  alpha: { inventory: /a.yml, channels: [C1AAA] }
  beta: { inventory: /b.yml, channels: [C1AAA] }
`);
    expect(lines).toContain(
      '  labs.beta.channels: C1AAA is bound to lab alpha already: a channel serves one lab',
    );
  });

  it('refuses an alert channel shared by two labs, or bound to another lab (its buttons act in one lab)', () => {
    const lines = problems(`
labs:
  alpha: { inventory: /a.yml, channels: [C1AAA], alert_channel: C9ALERT }
  beta: { inventory: /b.yml, channels: [C1BBB], alert_channel: C9ALERT }
  gamma: { inventory: /c.yml, channels: [C1CCC], alert_channel: C1AAA }
  delta: { inventory: /d.yml, channels: [C1DDD, C9DELTA], alert_channel: C9DELTA }
`);
    expect(lines).toEqual([
      'the policy /etc/labops/policy.yml has problems:',
      '  labs.beta.alert_channel: C9ALERT serves lab alpha already: an alert channel serves one lab (its buttons act there)',
      '  labs.gamma.alert_channel: C1AAA serves lab alpha already: an alert channel serves one lab (its buttons act there)',
    ]);
  });

  it('refuses commands labops does not have, approvals on commands with nothing to confirm, and opening admin-only ones', () => {
    const lines = problems(`
labs: { a: { inventory: /a.yml } }
commands: { ntp stauts: viewer, ntp silence: operator }
approvals: { ntp status: 2 }
`);
    expect(
      lines.some((l) => l.startsWith('  commands.ntp stauts: not a /lab command (commands: ntp status,')),
    ).toBe(true);
    expect(lines).toContain(
      '  commands.ntp silence: must be admin (labops checks for an admin when it runs)',
    );
    expect(lines).toContain(
      '  approvals.ntp status: only a command that changes hosts (and so has a plan to Confirm) takes approvals',
    );
  });

  it('never quotes the file when its YAML is broken (it may hold anything)', () => {
    const lines = problems('labs:\n  alpha: { inventory: "xoxb-secret-token-1234\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^ {2}not valid YAML: /);
    expect(lines.join('\n')).not.toContain('xoxb-secret');
  });

  it('needs at least one lab', () => {
    expect(problems('labs: {}')).toContain('  labs: must name at least one lab');
  });
});

describe('what a command needs', () => {
  const file = parsePolicyFile(ISSUE_EXAMPLE, 'p');
  const policy: Policy = {
    fromFile: true,
    labs: new Map(),
    grants: file.roles,
    defaultRole: 'none',
    commands: { 'ntp status': 'operator' },
    approvals: file.approvals,
  };
  const spec = (words: string) => ({ words: words.split(' ') });

  it("the issue's defaults, a change an admin, an admin's quick command an admin, the rest a viewer", () => {
    const none = { ...policy, commands: {} };
    expect(requiredRole(none, spec('ntp status'))).toBe('viewer');
    expect(requiredRole(none, spec('ntp plan'))).toBe('viewer');
    expect(requiredRole(none, spec('ntp setup'))).toBe('operator');
    expect(requiredRole(none, spec('host prep'))).toBe('operator');
    expect(requiredRole(none, spec('network setup'))).toBe('operator');
    expect(requiredRole(none, spec('deploy openstack'))).toBe('admin');
    expect(requiredRole(none, spec('ntp silence'))).toBe('admin');
    expect(requiredRole(none, spec('doctor'))).toBe('admin');
    expect(requiredRole(none, spec('jobs'))).toBe('viewer');
    expect(requiredRole(none, spec('history'))).toBe('viewer');
  });

  it('the file overrides a default; approvals default to one person', () => {
    expect(requiredRole(policy, spec('ntp status'))).toBe('operator');
    expect(approvalsOf(policy, 'deploy openstack')).toBe(2);
    expect(approvalsOf(policy, 'ntp setup')).toBe(1);
  });

  it('without LAB_POLICY: one lab in every channel, LAB_ADMINS its admins, everyone else a viewer', () => {
    const inventory = { hosts: new Map(), groups: new Map() };
    const p = policyOfEnvironment(inventory, {
      knownHostsPath: '/k',
      user: 'u',
      admins: ['UADM'],
      queuePrefix: 'labops',
      alertChannel: 'CALERT',
    });
    expect(p.fromFile).toBe(false);
    expect([...p.labs.values()]).toEqual([
      expect.objectContaining({
        channels: 'any',
        keyPrefix: 'labops',
        alertChannel: 'CALERT',
        knownHostsPath: '/k',
      }),
    ]);
    expect(p.grants.admin).toEqual(['UADM']);
    expect(p.defaultRole).toBe('viewer');
  });
});
