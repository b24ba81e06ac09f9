import { describe, expect, it } from 'vitest';
import { planHostPrep } from '../../../src/tasks/host-prep/plan-host-prep.js';
import {
  parseGetenforce,
  selinuxConfigMode,
  withSelinuxMode,
} from '../../../src/tasks/host-prep/selinux-config.js';

// /etc/selinux/config as RHEL 9 ships it (comments shortened)
const CONFIG = `# This file controls the state of SELinux on the system.
# SELINUX= can take one of these three values:
#     enforcing - SELinux security policy is enforced.
#     permissive - SELinux prints warnings instead of enforcing.
#     disabled - No SELinux policy is loaded.
SELINUX=enforcing
# SELINUXTYPE= can take one of these three values:
SELINUXTYPE=targeted
`;

describe('SELinux config, edited by key', () => {
  it('reads SELINUX= (not SELINUXTYPE=, not comments)', () => {
    expect(selinuxConfigMode(CONFIG)).toBe('enforcing');
    expect(selinuxConfigMode('SELINUX = "Permissive"\n')).toBe('permissive');
    expect(selinuxConfigMode('# SELINUX=enforcing\nSELINUXTYPE=targeted\n')).toBeUndefined();
  });

  it('rewrites only the SELINUX= line; appends it when missing', () => {
    expect(withSelinuxMode(CONFIG, 'permissive')).toBe(
      CONFIG.replace('SELINUX=enforcing', 'SELINUX=permissive'),
    );
    expect(withSelinuxMode('SELINUXTYPE=targeted', 'permissive')).toBe(
      'SELINUXTYPE=targeted\nSELINUX=permissive\n',
    );
  });

  it('reads getenforce', () => {
    expect(parseGetenforce('Enforcing\n')).toBe('enforcing');
    expect(parseGetenforce('Disabled\n')).toBe('disabled');
    expect(parseGetenforce('getenforce: command not found')).toBeUndefined();
  });
});

describe('planHostPrep (current state -> changes)', () => {
  it('enforcing now and in the config: setenforce 0 and the config, with a diff', () => {
    const p = planHostPrep({ runtime: 'enforcing', config: CONFIG });
    expect(p.actions.map((a) => a.kind)).toEqual(['setenforce', 'write-config']);
    expect(p.actions[1]).toMatchObject({
      path: '/etc/selinux/config',
      from: 'enforcing',
      diff: expect.stringContaining('-SELINUX=enforcing\n+SELINUX=permissive\n'),
    });
  });

  it('already permissive: nothing; disabled or absent SELinux: nothing, said why', () => {
    const permissive = CONFIG.replace('SELINUX=enforcing', 'SELINUX=permissive');
    expect(planHostPrep({ runtime: 'permissive', config: permissive })).toEqual({
      actions: [],
      notes: ['SELinux is permissive now', '/etc/selinux/config already says SELINUX=permissive'],
    });
    expect(
      planHostPrep({ runtime: 'disabled', config: CONFIG.replace('=enforcing', '=disabled') }).actions,
    ).toEqual([]);
    expect(planHostPrep({ runtime: 'absent', config: null })).toEqual({
      actions: [],
      notes: ['no getenforce: SELinux is not installed'],
    });
  });

  it('permissive now but enforcing after a reboot: only the config', () => {
    expect(planHostPrep({ runtime: 'permissive', config: CONFIG }).actions.map((a) => a.kind)).toEqual([
      'write-config',
    ]);
  });
});
