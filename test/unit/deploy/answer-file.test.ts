import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  neutronBackend,
  readAnswer,
  runbookAnswers,
  setAnswers,
} from '../../../src/tasks/deploy/answer-file.js';
import { maskPasswordKeys } from '../../../src/tasks/deploy/mask.js';
import { normalDiff } from '../../../src/tasks/deploy/normal-diff.js';

const generated = readFileSync(
  new URL('../../fixtures/packstack/answers-generated.txt', import.meta.url),
  'utf8',
);
const lines = (t: string) => t.split('\n');

/** Line numbers (1-based) where two texts of the same length differ. */
const changedLines = (a: string, b: string) => lines(a).flatMap((l, i) => (l === lines(b)[i] ? [] : [i + 1]));

describe('setAnswers', () => {
  it("sets the runbook's keys by key; every other line, comment and blank stays byte for byte", () => {
    const edited = setAnswers(
      generated,
      runbookAnswers(generated, { password: 'abc123', extIface: 'ens33' }),
    );
    expect(lines(edited)).toHaveLength(lines(generated).length);
    const changed = changedLines(edited, generated).map((n) => lines(edited)[n - 1]);
    expect(changed.sort()).toEqual([
      'CONFIG_AODH_INSTALL=n',
      'CONFIG_CEILOMETER_INSTALL=n',
      'CONFIG_DEFAULT_PASSWORD=abc123',
      'CONFIG_KEYSTONE_ADMIN_PW=abc123',
      'CONFIG_NEUTRON_OVN_BRIDGE_IFACES=br-ex:ens33',
      'CONFIG_PROVISION_DEMO=n',
    ]);
    // the OVS key stays empty on an OVN file, and a comment that names a key is not a key
    expect(readAnswer(edited, 'CONFIG_NEUTRON_OVS_BRIDGE_IFACES')).toBe('');
    expect(edited).toContain('# --os-neutron-ovn-bridge-interfaces=br-ex:eth0\n');
  });

  it('uses the OVS bridge key when the file chooses the openvswitch agent (the seed runbook)', () => {
    const ovs = setAnswers(generated, { CONFIG_NEUTRON_L2_AGENT: 'openvswitch' });
    expect(neutronBackend(ovs)).toBe('openvswitch');
    const edited = setAnswers(ovs, runbookAnswers(ovs, { password: 'abc123', extIface: 'eth1' }));
    expect(readAnswer(edited, 'CONFIG_NEUTRON_OVS_BRIDGE_IFACES')).toBe('br-ex:eth1');
    expect(readAnswer(edited, 'CONFIG_NEUTRON_OVN_BRIDGE_IFACES')).toBe('');
  });

  it('inventory answers win over the runbook and missing keys are appended; CRLF lines keep their CR', () => {
    const answers = runbookAnswers(generated, {
      password: 'pw123456',
      extIface: 'ens33',
      extra: { CONFIG_PROVISION_DEMO: 'y', CONFIG_LBAAS_INSTALL: 'n' },
    });
    const edited = setAnswers(generated, answers);
    expect(readAnswer(edited, 'CONFIG_PROVISION_DEMO')).toBe('y');
    expect(edited.endsWith('CONFIG_PROVISION_TEMPEST=n\nCONFIG_LBAAS_INSTALL=n\n')).toBe(true);
    const crlf = 'A_KEY=1\r\n# c\r\nCONFIG_X=old\r\n';
    expect(setAnswers(crlf, { CONFIG_X: 'new' })).toBe('A_KEY=1\r\n# c\r\nCONFIG_X=new\r\n');
  });

  it('is idempotent and refuses values that would add lines', () => {
    const answers = runbookAnswers(generated, { password: 'abc123', extIface: 'ens33' });
    const once = setAnswers(generated, answers);
    expect(setAnswers(once, answers)).toBe(once);
    expect(() => setAnswers(generated, { CONFIG_X: 'a\nCONFIG_Y=b' })).toThrow(/one line/);
  });
});

describe("the runbook's diff, passwords masked", () => {
  it('shows diff NEW OLD hunks as the runbook does, with no password value', () => {
    const edited = setAnswers(
      generated,
      runbookAnswers(generated, { password: 'abc123', extIface: 'ens33' }),
    );
    const diff = maskPasswordKeys(normalDiff(edited, generated));
    const n = lines(generated).findIndex((l) => l.startsWith('CONFIG_CEILOMETER_INSTALL=')) + 1;
    expect(diff).toContain(`${n}c${n}\n< CONFIG_CEILOMETER_INSTALL=n\n---\n> CONFIG_CEILOMETER_INSTALL=y`);
    expect(diff).toContain('< CONFIG_KEYSTONE_ADMIN_PW=••••••\n---\n> CONFIG_KEYSTONE_ADMIN_PW=••••••');
    // an empty password stays visibly empty
    expect(diff).toContain('< CONFIG_DEFAULT_PASSWORD=••••••\n---\n> CONFIG_DEFAULT_PASSWORD=\n');
    expect(diff).not.toContain('abc123');
    expect(diff).not.toContain('e79d601ad46c4ab9');
    expect(diff.match(/^\d+c\d+$/gm)).toHaveLength(6);
  });

  it('joins adjacent changed lines into one hunk and shows lines only one side has', () => {
    expect(normalDiff('a\nB\nC\nd\n', 'a\nb\nc\nd\n')).toBe('2,3c2,3\n< B\n< C\n---\n> b\n> c');
    expect(normalDiff('a\nb\n', 'a\n')).toBe('2d1\n< b');
    expect(normalDiff('a\n', 'a\nb\n')).toBe('1a2\n> b');
  });
});
