// /lab ceph status|health over signed Slack requests, against a lab of this file's own whose Ceph monitors are lab
// hosts with a `ceph` stand-in (test/lab/ceph-mons.ts): its MON_CLOCK_SKEW follows each host's real chronyd.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCeph, type LabCeph } from '../lab/ceph-mons.js';
import { type Lab, startLab } from '../lab/index.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

const dir = join(tmpdir(), 'labops-ceph-slack-lab');
// ranks: ntp1 leads; client-drift's chronyd follows ntp-fast (3 s ahead); client-badkey is down (and SSH refuses it)
const MONS = ['ntp1', 'client-sync', 'client-drift', 'client-badkey'];

let lab: Lab;
let ceph: LabCeph;
let labops: SlackLabops;

beforeAll(async () => {
  lab = await startLab({ dir, net: '127.0.141' });
  ceph = installCeph(lab, {
    state: { mons: MONS, down: ['client-badkey'] },
    on: ['ntp1', 'client-sync', 'client-drift', 'client-badkey'],
    group: MONS,
  });
  labops = await startSlackLabops({ LAB_INVENTORY: ceph.inventoryPath, LAB_KNOWN_HOSTS: lab.knownHostsPath });
}, 90_000);

afterAll(async () => {
  await labops?.close();
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends `/lab <text>` and waits for the job's message to end in a text that matches. */
async function final(text: string, done: RegExp, timeoutMs = 30_000): Promise<RecordedCall> {
  labops.slack.reset();
  const ack = await labops.slash(text);
  expect(ack.status).toBe(200);
  return labops.slack.waitFor(
    (c) => (c.method === 'chat.update' || c.method === 'chat.postMessage') && done.test(String(c.args.text)),
    timeoutMs,
  );
}

describe('/lab ceph status on the simulated lab', () => {
  it('skew on the monitor whose chronyd is 3 s off, with its chrony check; the down monitor; fallback past it', async () => {
    const call = await final('ceph status', /^Ceph status: /);
    const text = String(call.args.text);
    const lines = text.split('\n');
    // client-badkey sorts first in ceph_mons: its host key does not match, so client-drift answered
    expect(lines[0]).toBe('Ceph status: ⚠️ HEALTH_WARN (2 checks), from client-drift');
    expect(text).toContain('⚠️ MON_CLOCK_SKEW (HEALTH_WARN): clock skew detected on mon.client-drift');
    expect(text).toMatch(/ {4}• mon\.client-drift clock skew (2\.99|3)[\d.]*s > max 0\.05s/);
    expect(text).toContain('⚠️ MON_DOWN (HEALTH_WARN): 1/4 mons down, quorum ntp1,client-sync,client-drift');
    expect(text).toContain('Monitors: 3/4 in quorum (ntp1, client-sync, client-drift); 1 out of quorum');
    expect(text).toMatch(
      /⏱️ mon\.client-drift: clock skew -?(2\.99|3)[\d.]* s \(latency 829 µs\) against the leader/,
    );
    expect(text).toMatch(/ {4}chrony on 🔴 client-drift: drifting, clock 3\.0 s slow of NTP time/);
    expect(text).toContain('    Next: /lab ntp plan client-drift to fix its chrony setup');
    expect(text).toContain('🔻 mon.client-badkey: down, out of quorum');
    expect(text).toMatch(/chrony on ❌ client-badkey: host key mismatch/);
    expect(text).toMatch(/❌ client-badkey: .*host key/);
    expect(text).toContain(
      'Answered by client-drift after client-badkey did not. The raw JSON is in the thread.',
    );
    // one SSH command ran ceph three times, each bounded
    const ran = readFileSync(lab.commandLogPath('client-drift'), 'utf8');
    expect(ran).toMatch(/ceph --connect-timeout 10 status --format json 2>&1; r=\$\?/);
    expect(ran).toContain('ceph --connect-timeout 10 time-sync-status --format json');
    // the raw JSON in the job's thread: the long status as a file, the others as code blocks
    const ts = String(call.args.ts);
    await labops.slack.waitFor('files.completeUploadExternal', 10_000);
    const file = labops.slack.files().find((f) => f.filename === 'ceph-status-client-drift.json');
    expect(file?.thread_ts).toBe(ts);
    expect(JSON.parse(String(file?.content)).quorum_names).toEqual(['ntp1', 'client-sync', 'client-drift']);
    const reply = (first: string) =>
      labops.slack.waitFor(
        (c) =>
          c.method === 'chat.postMessage' && c.args.thread_ts === ts && String(c.args.text).startsWith(first),
        10_000,
      );
    await reply('ceph health detail --format json on client-drift:');
    const timeSync = await reply('ceph time-sync-status --format json on client-drift:');
    expect(String(timeSync.args.text)).toMatch(
      /"client-drift": \{"skew": -?(2\.99|3)[\d.]*, "latency": 0\.000829, "health": "HEALTH_WARN"/,
    );
  }, 60_000);

  it('HEALTH_OK once the cluster is well, asked of one named monitor', async () => {
    ceph.setState({ mons: ['ntp1', 'client-sync'] });
    const call = await final('ceph status ntp1', /^Ceph status: /);
    expect(String(call.args.text).split('\n').slice(0, 5)).toEqual([
      'Ceph status: ✅ HEALTH_OK (0 checks), from ntp1',
      'No health checks raised.',
      'Monitors: 2/2 in quorum (ntp1, client-sync)',
      'OSDs: 16/16 up, 16/16 in',
      'Placement groups: 129 (129 active+clean)',
    ]);
  }, 60_000);

  it('/lab ceph health: OSDs down', async () => {
    ceph.setState({ mons: ['ntp1', 'client-sync'], osdsDown: 2 });
    const call = await final('ceph health client-sync', /^Ceph health: /);
    expect(String(call.args.text).split('\n')).toEqual([
      'Ceph health: ⚠️ HEALTH_WARN (1 check), from client-sync',
      '⚠️ OSD_DOWN (HEALTH_WARN): 2 osds down',
      '    • osd.0 (root=default,host=gnit) is down',
      '    • osd.1 (root=default,host=gnit) is down',
      'Answered by client-sync. The raw JSON is in the thread.',
    ]);
  }, 60_000);

  it('errors: ceph missing (exit 127), no keyring, the cluster not answering on any monitor', async () => {
    const noCeph = await final('ceph status client-down', /^Ceph status: failed/);
    expect(String(noCeph.args.text)).toContain(
      '❌ client-down: ceph is not installed on client-down (exit 127). Install the Ceph client',
    );

    ceph.setState({ mons: MONS, failure: 'no-keyring' });
    const keyring = await final('ceph status client-sync', /^Ceph status: failed/);
    expect(String(keyring.args.text)).toContain(
      '❌ client-sync: ceph on client-sync found no keyring or no monitor address ([errno 2] RADOS object not found (error connecting to the cluster)).',
    );

    ceph.setState({ mons: MONS, failure: 'timeout' });
    const timeout = await final('ceph status', /^Ceph status: failed/);
    const lines = String(timeout.args.text).split('\n');
    expect(lines[0]).toBe('Ceph status: failed, no monitor of group ceph_mons answered (4 asked)');
    expect(lines).toContain(
      '❌ client-drift: the Ceph cluster did not answer ceph on client-drift within 10 s ([errno 110] RADOS timed out (error connecting to the cluster)). Check that the ceph-mon daemons run and that client-drift reaches them (mon_host in ceph.conf, ports 3300/6789).',
    );
    expect(lines.filter((l) => l.startsWith('❌ '))).toHaveLength(4);
  }, 90_000);

  it("the skew follows the host's real chronyd: once client-drift's time server is right again, MON_CLOCK_SKEW clears", async () => {
    ceph.setState({ mons: ['ntp1', 'client-sync', 'client-drift'] });
    const before = await final('ceph health', /^Ceph health: /);
    expect(String(before.args.text)).toContain('MON_CLOCK_SKEW');
    await lab.setFastServerOffset(0);
    // chronyd on client-drift needs a few polls to see its only server is now right; poll with a deadline
    const deadline = Date.now() + 60_000;
    let text = '';
    while (Date.now() < deadline) {
      text = String((await final('ceph health', /^Ceph health: /)).args.text);
      if (!text.includes('MON_CLOCK_SKEW')) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(text.split('\n')[0]).toBe('Ceph health: ✅ HEALTH_OK (0 checks), from client-drift');
  }, 90_000);
});
