import { describe, expect, it } from 'vitest';
import { HostError } from '../../../src/errors.js';
import { cephHealthTask, cephStatusTask } from '../../../src/tasks/ceph/index.js';
import { captureSections } from '../../support/capture-sections.js';
import { inventoryOf, runTask, scripted } from '../../support/run-task.js';
import { cephHost, fixture } from './ceph-host.js';

const chrony = captureSections(new URL('../../fixtures/chrony/status-command.txt', import.meta.url));
const chronyc = (scenario: string) => chrony.get(`NTP_STATUS_COMMAND: ${scenario}`) ?? '';

const MONS =
  'all:\n  children:\n    ceph_mons:\n      hosts:\n        a: {ansible_host: 10.0.0.1}\n        b: {ansible_host: 10.0.0.2}\n        c: {ansible_host: 10.0.0.3}\n';
const payload = { reply: { channel: 'C1', messageTs: '1.0' } };

const healthy = () =>
  cephHost({
    status: fixture('reef-status-health-ok.json.txt'),
    health: fixture('reef-health-detail-ok.json.txt'),
    timeSync: fixture('time-sync-status-ok-1mon.json.txt'),
  });

describe('/lab ceph status, by the task harness on captured ceph JSON', () => {
  it('HEALTH_OK: one SSH command to the first monitor, the cluster in one message, the raw JSON in the thread', async () => {
    const a = healthy();
    const { ssh, commands } = scripted([['ceph', a.answer, 'a']]);
    const run = await runTask(cephStatusTask, { payload, inventory: inventoryOf(MONS), ssh });
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatch(/^a: /);
    expect(a.calls()).toEqual([
      '--connect-timeout 10 status --format json',
      '--connect-timeout 10 health detail --format json',
      '--connect-timeout 10 time-sync-status --format json',
    ]);
    expect(run.final?.text.split('\n')).toEqual([
      'Ceph status: ✅ HEALTH_OK (0 checks), from a',
      'No health checks raised.',
      'Monitors: 4/4 in quorum (pve-fra-001, pve-fra-002, pve-fra-003, pve-fra-004)',
      'OSDs: 16/16 up, 16/16 in',
      'Placement groups: 129 (129 active+clean)',
      'Data: 2 pools, 3.04 M objects, 11.0 TiB data; 31.5 TiB used of 111.8 TiB (28.2%)',
      'Answered by a. The raw JSON is in the thread.',
    ]);
    // the long status as a .json file, the short ones as code blocks, all in the job's thread
    expect(run.files.map((f) => [f.filename, f.threadTs])).toEqual([['ceph-status-a.json', '1.0']]);
    expect(JSON.parse(new TextDecoder().decode(run.files[0]?.bytes)).fsid).toBe(
      '3e11fc83-29f7-4168-9bca-fe9257deb638',
    );
    expect(run.replies.map((r) => r.text.split('\n')[0])).toEqual([
      'ceph health detail --format json on a:',
      'ceph time-sync-status --format json on a:',
    ]);
    expect(run.result).toMatchObject({ monitor: 'a', health: 'HEALTH_OK', checks: [], mons: [], failed: [] });
  });

  it('MON_CLOCK_SKEW on mon.b: its skew, and the chrony check of host b beside it with /lab ntp plan b', async () => {
    const a = cephHost({
      status: fixture('assembled-reef-status-mon-clock-skew.json.txt'),
      health: fixture('assembled-health-detail-mon-clock-skew.json.txt'),
      timeSync: fixture('assembled-time-sync-status-mon-clock-skew.json.txt'),
    });
    const { ssh, commands } = scripted([
      ['chronyc', chronyc('client whose only server runs 3 s fast (drift)'), 'b'],
      ['ceph', a.answer, 'a'],
    ]);
    const run = await runTask(cephStatusTask, { payload, inventory: inventoryOf(MONS), ssh });
    const text = run.final?.text ?? '';
    expect(text).toContain('Ceph status: ⚠️ HEALTH_WARN (1 check), from a');
    expect(text).toContain('⚠️ MON_CLOCK_SKEW (HEALTH_WARN): clock skew detected on mon.b');
    expect(text).toContain('    • mon.b clock skew 0.386898s > max 0.05s (latency 0.00237396s)');
    expect(text).toContain('⏱️ mon.b: clock skew 0.386898 s (latency 2.4 ms) against the leader');
    expect(text).toMatch(/ {4}chrony on 🔴 b: drifting, clock 3\.0 s slow of NTP time/);
    expect(text).toContain('    Next: /lab ntp plan b to fix its chrony setup');
    // chrony was checked on the skewed monitor only, right away
    expect(commands.filter((c) => c.includes('chronyc'))).toEqual([expect.stringMatching(/^b: /)]);
    expect(run.final?.blocks?.map((b) => JSON.stringify(b)).join('')).toContain('`/lab ntp plan b`');
    expect(run.result).toMatchObject({ mons: [{ mon: 'b', kind: 'skew', host: 'b', chrony: 'critical' }] });
  });

  it('a skewed monitor missing from the inventory is said to be so', async () => {
    const a = cephHost({
      status: fixture('assembled-reef-status-mon-clock-skew.json.txt'),
      health: fixture('assembled-health-detail-mon-clock-skew.json.txt'),
      timeSync: fixture('assembled-time-sync-status-mon-clock-skew.json.txt'),
    });
    const inventory = inventoryOf('all:\n  children:\n    ceph_mons:\n      hosts:\n        a: {}\n');
    const { ssh, commands } = scripted([['ceph', a.answer, 'a']]);
    const run = await runTask(cephStatusTask, { payload, inventory, ssh });
    expect(run.final?.text).toContain('mon.b is not in the inventory: add its host');
    expect(commands).toHaveLength(1);
  });

  it('HEALTH_ERR with 2 OSDs down: the ERR check first, then every check with its detail, OSDs 14/16 up', async () => {
    const a = cephHost({
      status: fixture('assembled-reef-status-health-err-osds-down.json.txt'),
      health: fixture('assembled-health-detail-health-err-osds-down.json.txt'),
      timeSync: fixture('time-sync-status-ok-1mon.json.txt'),
    });
    const { ssh } = scripted([['ceph', a.answer, 'a']]);
    const run = await runTask(cephStatusTask, { payload, inventory: inventoryOf(MONS), ssh });
    const lines = run.final?.text.split('\n') ?? [];
    expect(lines[0]).toBe('Ceph status: 🔴 HEALTH_ERR (5 checks), from a');
    expect(lines[1]).toBe('🔴 PG_DAMAGED (HEALTH_ERR): Possible data damage: 1 pg recovery_unfound');
    expect(lines).toContain('⚠️ OSD_DOWN (HEALTH_WARN): 2 osds down');
    expect(lines).toContain('    • osd.0 (root=default,host=gnit) is down');
    expect(lines).toContain('OSDs: 14/16 up, 16/16 in');
    expect(lines).toContain(
      'Placement groups: 129 (110 active+clean, 18 active+undersized+degraded, 1 undersized+degraded+remapped+backfilling+peered)',
    );
  });

  it('a monitor down: the first monitor unreachable, the next one answers MON_DOWN; both are said', async () => {
    const b = cephHost({
      status: fixture('assembled-reef-status-mon-down.json.txt'),
      health: fixture('assembled-health-detail-mon-down.json.txt'),
      timeSync: fixture('time-sync-status-ok-1mon.json.txt'),
    });
    const { ssh, commands } = scripted([
      [
        'ceph',
        new HostError('a', 'unreachable', 'connect ECONNREFUSED 10.0.0.1:22', 'Check that sshd runs on a.'),
        'a',
      ],
      ['ceph', b.answer, 'b'],
    ]);
    const run = await runTask(cephStatusTask, { payload, inventory: inventoryOf(MONS), ssh });
    expect(commands.map((c) => c.split(':')[0])).toEqual(['a', 'b']);
    const text = run.final?.text ?? '';
    expect(text).toContain('Ceph status: ⚠️ HEALTH_WARN (1 check), from b');
    expect(text).toContain('⚠️ MON_DOWN (HEALTH_WARN): 1/3 mons down, quorum e,g');
    expect(text).toContain('🔻 mon.h: down, out of quorum');
    expect(text).toContain('mon.h is not in the inventory');
    expect(text).toContain('Monitors: 2/3 in quorum (e, g); 1 out of quorum');
    expect(text).toContain('❌ a: unreachable: connect ECONNREFUSED 10.0.0.1:22. Check that sshd runs on a.');
    expect(text).toContain('Answered by b after a did not.');
    expect(run.result).toMatchObject({ monitor: 'b', failed: [{ host: 'a', code: 'unreachable' }] });
  });

  it('a monitor down that is in the inventory gets its chrony checked too', async () => {
    const b = cephHost({
      status: fixture('assembled-reef-status-mon-down.json.txt'),
      health: fixture('assembled-health-detail-mon-down.json.txt'),
    });
    const inventory = inventoryOf(
      'all:\n  children:\n    ceph_mons:\n      hosts:\n        e: {}\n        h.lab.example: {}\n',
    );
    const { ssh } = scripted([
      [
        'chronyc',
        chronyc('client in sync, one of its three servers 3 s fast (falseticker)'),
        'h.lab.example',
      ],
      ['ceph', b.answer, 'e'],
    ]);
    const run = await runTask(cephStatusTask, { payload, inventory, ssh });
    const text = run.final?.text ?? '';
    expect(text).toMatch(/chrony on ✅ h\.lab\.example: in sync/);
    expect(text).toContain('check the monitor daemon on h.lab.example (systemctl status ceph-mon@h)');
    // time-sync-status had no answer: the reply goes on and says so
    expect(text).toContain(
      'ℹ️ ceph time-sync-status failed: ceph failed on e (exit 22: Error EINVAL: invalid command).',
    );
  });
});

describe('/lab ceph status: every error says the host, what happened and what to do', () => {
  const failing = async (name: string) => {
    const a = cephHost({ status: fixture(name), health: fixture('reef-health-detail-ok.json.txt') });
    const { ssh } = scripted([['ceph', a.answer, 'a']]);
    const inventory = inventoryOf('all:\n  children:\n    ceph_mons:\n      hosts:\n        a: {}\n');
    const run = await runTask(cephStatusTask, { payload, inventory, ssh });
    return { text: run.final?.text ?? '', calls: a.calls(), run };
  };

  it('ceph not installed (exit 127)', async () => {
    const a = cephHost('not-installed');
    const { ssh } = scripted([['ceph', a.answer]]);
    const run = await runTask(cephStatusTask, { payload, inventory: inventoryOf(MONS), ssh });
    const lines = run.final?.text.split('\n') ?? [];
    expect(lines[0]).toBe('Ceph status: failed, no monitor of group ceph_mons answered (3 asked)');
    expect(lines[1]).toBe(
      '❌ a: ceph is not installed on a (exit 127). Install the Ceph client on a (ceph-common; with cephadm: cephadm install ceph-common), or take a out of ceph_mons.',
    );
    expect(lines).toHaveLength(5);
    expect(run.files).toEqual([]);
  });

  it('no keyring', async () => {
    const { text } = await failing('error-no-keyring.txt');
    expect(text).toContain(
      '❌ a: ceph on a found no keyring or no monitor address ([errno 2] RADOS object not found (error connecting to the cluster)). Put the keyring at /etc/ceph/ceph.client.admin.keyring',
    );
  });

  it('permission denied', async () => {
    const { text } = await failing('error-permission-denied.txt');
    expect(text).toContain(
      '❌ a: ceph on a was refused: permission denied ([errno 13] RADOS permission denied',
    );
    expect(text).toContain('Make /etc/ceph/ceph.client.admin.keyring readable by root on a');
  });

  it('the cluster not answering: bounded by --connect-timeout, and the later steps are skipped', async () => {
    const { text, calls } = await failing('error-timeout.txt');
    expect(text).toContain(
      '❌ a: the Ceph cluster did not answer ceph on a within 10 s ([errno 110] RADOS timed out (error connecting to the cluster)). Check that the ceph-mon daemons run',
    );
    expect(calls).toEqual(['--connect-timeout 10 status --format json']);
  });

  it('output that is not JSON', async () => {
    const a = cephHost({ status: { out: 'HEALTH_OK\n' } });
    const { ssh } = scripted([['ceph', a.answer]]);
    const inventory = inventoryOf('all:\n  children:\n    ceph_mons:\n      hosts:\n        a: {}\n');
    const run = await runTask(cephStatusTask, { payload, inventory, ssh });
    expect(run.final?.text).toContain(
      '❌ a: ceph status did not print JSON on a ("HEALTH_OK"). Run ceph status --format json on a by hand',
    );
  });

  it('every monitor unreachable over SSH', async () => {
    const down = (h: string, code: 'unreachable' | 'timeout') =>
      new HostError(
        h,
        code,
        code === 'timeout' ? 'no SSH banner within 2 s' : `connect EHOSTUNREACH ${h}:22`,
        `Check that ${h} is up and sshd runs.`,
      );
    const { ssh } = scripted([
      ['ceph', down('a', 'unreachable'), 'a'],
      ['ceph', down('b', 'timeout'), 'b'],
      ['ceph', down('c', 'unreachable'), 'c'],
    ]);
    const run = await runTask(cephStatusTask, { payload, inventory: inventoryOf(MONS), ssh });
    expect(run.final?.text.split('\n')).toEqual([
      'Ceph status: failed, no monitor of group ceph_mons answered (3 asked)',
      '❌ a: unreachable: connect EHOSTUNREACH a:22. Check that a is up and sshd runs.',
      '❌ b: timed out: no SSH banner within 2 s. Check that b is up and sshd runs.',
      '❌ c: unreachable: connect EHOSTUNREACH c:22. Check that c is up and sshd runs.',
      'labops asks the monitors one by one (by name) and stops at the first that answers; fix one of the above.',
    ]);
  });

  it('no ceph_mons group: says how to name the monitors', async () => {
    const { ssh } = scripted([]);
    const run = await runTask(cephStatusTask, {
      payload,
      inventory: inventoryOf('all:\n  hosts:\n    x: {}\n'),
      ssh,
    });
    expect(run.final?.text).toMatch(
      /^Ceph status: failed\. Unknown target `ceph_mons`.*inventory group ceph_mons/,
    );
  });
});

describe('/lab ceph: inventory variables and sudo', () => {
  it('ceph_cluster and ceph_user go after --cluster and --id; with ansible_become each ceph runs through sudo -n', async () => {
    const a = cephHost(
      {
        status: fixture('reef-status-remapped-1mon.json.txt'),
        health: fixture('reef-health-detail-ok.json.txt'),
        timeSync: fixture('time-sync-status-ok-1mon.json.txt'),
      },
      { sudo: 'runs' },
    );
    const inventory = inventoryOf(
      'all:\n  children:\n    ceph_mons:\n      vars: {ceph_cluster: lab1, ceph_user: labops}\n      hosts:\n        a: {ansible_user: ops, ansible_become: true}\n',
    );
    const { ssh } = scripted([['ceph', a.answer]]);
    const run = await runTask(cephStatusTask, { payload, inventory, ssh });
    expect(a.calls().slice(0, 2)).toEqual([
      'sudo -n sh -c ceph --connect-timeout 10 --cluster lab1 --id labops status --format json',
      '--connect-timeout 10 --cluster lab1 --id labops status --format json',
    ]);
    expect(run.final?.text).toContain('Monitors: 1/1 in quorum (a)');
  });

  it('sudo refusing is said with what to do', async () => {
    const a = cephHost({ status: fixture('reef-status-health-ok.json.txt') }, { sudo: 'refuses' });
    const inventory = inventoryOf(
      'all:\n  children:\n    ceph_mons:\n      hosts:\n        a: {ansible_user: ops, ansible_become: yes}\n',
    );
    const { ssh } = scripted([['ceph', a.answer]]);
    const run = await runTask(cephStatusTask, { payload, inventory, ssh });
    expect(run.final?.text).toContain(
      '❌ a: sudo refused to run ceph as root for ops on a (sudo: a password is required). Give ops passwordless sudo on a',
    );
  });

  it('a ceph_cluster or ceph_user that could read as an option is refused when the inventory loads', () => {
    expect(() => inventoryOf('all:\n  hosts:\n    a: {ceph_user: --admin-socket}\n')).toThrow(/ceph_user/);
    expect(() => inventoryOf('all:\n  hosts:\n    a: {ceph_cluster: "x;rm -rf /"}\n')).toThrow(
      /ceph_cluster/,
    );
  });

  it('Luminous status (older layout) reads too', async () => {
    const a = cephHost({ status: fixture('luminous-status-osd-down.json.txt'), health: { out: 'not json' } });
    const { ssh } = scripted([['ceph', a.answer]]);
    const inventory = inventoryOf('all:\n  children:\n    ceph_mons:\n      hosts:\n        a: {}\n');
    const run = await runTask(cephStatusTask, { payload, inventory, ssh });
    const text = run.final?.text ?? '';
    expect(text).toContain('OSDs: 1/2 up, 2/2 in');
    expect(text).toContain('⚠️ OSD_DOWN (HEALTH_WARN): 1 osds down');
    expect(text).toContain('ℹ️ ceph health detail did not print JSON.');
  });
});

describe('/lab ceph health', () => {
  it('runs only ceph health detail and shows the checks', async () => {
    const a = cephHost({ health: fixture('assembled-health-detail-mon-clock-skew.json.txt') });
    const { ssh, commands } = scripted([['ceph', a.answer]]);
    const run = await runTask(cephHealthTask, { payload, inventory: inventoryOf(MONS), ssh });
    expect(a.calls()).toEqual(['--connect-timeout 10 health detail --format json']);
    expect(commands).toHaveLength(1);
    expect(run.final?.text.split('\n')).toEqual([
      'Ceph health: ⚠️ HEALTH_WARN (1 check), from a',
      '⚠️ MON_CLOCK_SKEW (HEALTH_WARN): clock skew detected on mon.b',
      '    • mon.b clock skew 0.386898s > max 0.05s (latency 0.00237396s)',
      'Answered by a. The raw JSON is in the thread.',
    ]);
  });
});
