import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/logger.js';
import { mayConfirm, whoMayConfirm } from '../../../src/policy/may-confirm.js';
import { type Lab, labOfChannel, type Policy } from '../../../src/policy/policy.js';
import { roleOf } from '../../../src/policy/resolve-role.js';
import { UserGroups } from '../../../src/policy/user-groups.js';

const inventory = { hosts: new Map(), groups: new Map() };
const lab = (name: string, channels: string[], grants: Lab['grants']): Lab => ({
  name,
  inventory,
  knownHostsPath: '/k',
  keyPrefix: `p:lab:${name}`,
  channels,
  grants,
});
const alpha = lab('alpha', ['CALPHA'], { operator: ['UOPER'] });
const beta = lab('beta', ['CBETA'], { operator: ['SOPS'], viewer: ['UOPER'] });
const policy: Policy = {
  fromFile: true,
  labs: new Map([
    ['alpha', alpha],
    ['beta', beta],
  ]),
  grants: { viewer: ['UVIEW'], admin: ['UADM1', 'UADM2'] },
  defaultRole: 'none',
  commands: {},
  approvals: { 'deploy openstack': 2 },
};
const groups = async (g: string) => (g === 'SOPS' ? ['UGROUP', 'UVIEW'] : []);

describe('roles', () => {
  it('a lab grant, a grant everywhere, a user group, the highest wins; others get default_role', async () => {
    expect(await roleOf(policy, alpha, 'UOPER', groups)).toBe('operator');
    expect(await roleOf(policy, beta, 'UOPER', groups)).toBe('viewer');
    expect(await roleOf(policy, beta, 'UGROUP', groups)).toBe('operator');
    expect(await roleOf(policy, alpha, 'UGROUP', groups)).toBe('none');
    expect(await roleOf(policy, beta, 'UVIEW', groups)).toBe('operator');
    expect(await roleOf(policy, alpha, 'UVIEW', groups)).toBe('viewer');
    expect(await roleOf(policy, beta, 'UADM1', groups)).toBe('admin');
    expect(await roleOf(policy, alpha, 'USTRANGER', groups)).toBe('none');
    expect(await roleOf({ ...policy, defaultRole: 'viewer' }, alpha, 'USTRANGER', groups)).toBe('viewer');
  });

  it('channels serve their lab only', () => {
    expect(labOfChannel(policy, 'CALPHA')).toBe(alpha);
    expect(labOfChannel(policy, 'CBETA')).toBe(beta);
    expect(labOfChannel(policy, 'COTHER')).toBeUndefined();
    expect(labOfChannel(policy, 'D0DM')).toBeUndefined();
  });
});

describe('two-person approval', () => {
  const words = ['deploy', 'openstack'];
  const cmd = '/lab deploy openstack';
  it("refuses the requester's own Confirm with the reason, takes another admin's", () => {
    const own = mayConfirm(policy, alpha, words, cmd, { user: 'UADM1', role: 'admin', requestedBy: 'UADM1' });
    expect(own?.text).toMatch(
      /You asked for `\/lab deploy openstack`, and it takes two people: someone else with the admin role in lab alpha must Confirm it/,
    );
    expect(own?.outcome).toBe('refused: two-person approval, the requester cannot confirm their own change');
    expect(
      mayConfirm(policy, alpha, words, cmd, { user: 'UADM2', role: 'admin', requestedBy: 'UADM1' }),
    ).toBeUndefined();
  });
  it("refuses anyone below the command's role; one approval lets the requester confirm", () => {
    const low = mayConfirm(policy, alpha, words, cmd, {
      user: 'UOPER',
      role: 'operator',
      requestedBy: 'UADM1',
    });
    expect(low?.outcome).toBe('refused: confirm needs admin, has operator');
    const setup = ['ntp', 'setup'];
    expect(
      mayConfirm(policy, alpha, setup, '/lab ntp setup', {
        user: 'UOPER',
        role: 'operator',
        requestedBy: 'UOPER',
      }),
    ).toBeUndefined();
  });
  it('the plan says who may confirm', () => {
    expect(whoMayConfirm(policy, alpha, words, 'UADM1')).toBe(
      'Nothing changes until someone with the admin role in lab alpha other than <@UADM1> confirms (two-person approval).',
    );
    expect(whoMayConfirm(policy, alpha, ['ntp', 'setup'], 'UOPER')).toBe(
      'Nothing changes until someone with the operator role in lab alpha confirms.',
    );
  });
});

describe('user groups from Slack', () => {
  const log = createLogger('silent');
  it('are cached, refreshed after their time, and kept when Slack fails', async () => {
    let now = 0;
    const asked: string[] = [];
    let answer: () => Promise<string[]> = async () => ['U1'];
    const groups = new UserGroups(
      async (g) => {
        asked.push(g);
        return answer();
      },
      log,
      () => now,
      1000,
      50,
    );
    expect(await groups.members('S1')).toEqual(['U1']);
    expect(await groups.members('S1')).toEqual(['U1']);
    expect(asked).toEqual(['S1']);
    now = 1500;
    answer = async () => ['U2'];
    expect(await groups.members('S1')).toEqual(['U2']);
    now = 3000;
    answer = async () => {
      throw new Error('ratelimited');
    };
    expect(await groups.members('S1')).toEqual(['U2']);
    answer = () => new Promise(() => undefined); // Slack never answers: the timeout ends the wait
    now = 5000;
    expect(await groups.members('S1')).toEqual(['U2']);
    expect(await groups.members('S2')).toEqual([]);
    expect(asked).toEqual(['S1', 'S1', 'S1', 'S1', 'S2']);
  });
});
