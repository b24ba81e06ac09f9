import { describe, expect, it } from 'vitest';
import type { ChatSink } from '../../../src/chat/sink.js';
import { HostError } from '../../../src/errors.js';
import { createLogger } from '../../../src/log/logger.js';
import { verifyCephAfterSetup } from '../../../src/tasks/ntp-setup/ceph-after-setup.js';
import type { NtpHostResult } from '../../../src/tasks/ntp-setup/setup-ntp-host.js';
import type { TargetPayload } from '../../../src/tasks/target-payload.js';
import type { TaskContext } from '../../../src/tasks/task.js';
import { type Answer, inventoryOf, scripted } from '../../support/run-task.js';
import { cephHost, fixture } from './ceph-host.js';

const inventory = inventoryOf(
  'all:\n  children:\n    ceph_mons:\n      hosts:\n        a: {}\n        b: {}\n    ntp_clients:\n      hosts:\n        web: {}\n',
);
const SUMMARY = { text: 'NTP setup of group x: 1 changed' };
const changed = (host: string): NtpHostResult => ({
  host,
  role: 'client',
  outcome: 'changed',
  done: [],
  notes: [],
});

const skewedMon = () =>
  cephHost({
    health: fixture('assembled-health-detail-mon-clock-skew.json.txt'),
    timeSync: fixture('assembled-time-sync-status-mon-clock-skew.json.txt'),
  });
const okMon = () =>
  cephHost({
    health: fixture('reef-health-detail-ok.json.txt'),
    timeSync: fixture('time-sync-status-ok-1mon.json.txt'),
  });

/** A context as the worker gives it, with a scripted SSH and a chat that records what the job's message shows. */
function context(rules: ReadonlyArray<[string, Answer, string?]>, settleMs = 200) {
  const shown: string[] = [];
  const chat: ChatSink = {
    post: async () => ({ ts: '9.9' }),
    update: async (_c, _ts, m) => void shown.push(m.text.split('\n').at(-1) ?? ''),
    reply: async () => undefined,
  };
  const { ssh, commands } = scripted(rules);
  const ctx: TaskContext<TargetPayload> = {
    payload: { reply: { channel: 'C1', messageTs: '1.0' } },
    inventory,
    ssh,
    chat,
    log: createLogger('silent'),
    signal: new AbortController().signal,
    settings: { drift: { warnMs: 50, critMs: 500 }, cephSkewWait: { settleMs, pollMs: 10 } },
  };
  return { ctx, shown, commands };
}

describe('/lab ntp setup on Ceph monitors: the bounded wait for MON_CLOCK_SKEW to clear', () => {
  it('waits until Ceph no longer names the monitor of the host set up, and says so under the summary', async () => {
    let asked = 0;
    const before = skewedMon();
    const after = okMon();
    const { ctx, shown } = context([['ceph', (cmd) => (asked++ < 2 ? before : after).answer(cmd)]], 10_000);
    const outcome = await verifyCephAfterSetup(ctx, [changed('b')], SUMMARY);
    expect(outcome).toMatchObject({ kind: 'clear', mons: ['b'], monitor: 'a' });
    expect(asked).toBe(3);
    expect(shown[0]).toBe('⏳ Waiting up to 10.0 s for Ceph to clear MON_CLOCK_SKEW on b…');
    expect(shown[1]).toMatch(
      /^✅ Ceph: no clock skew on the monitors of b \(asked a after \d+(\.\d)? ms\)\.$/,
    );
  });

  it('still warned at the end of the wait: not a failure, says when to re-check', async () => {
    const mon = skewedMon();
    // a settle time that leaves room for several asks however slow this machine is right now
    const { ctx, shown } = context([['ceph', mon.answer]], 1000);
    const outcome = await verifyCephAfterSetup(ctx, [changed('b')], SUMMARY);
    expect(outcome).toMatchObject({ kind: 'still', skewed: [{ mon: 'b', skewSeconds: 0.386898 }] });
    expect(shown[1]).toBe(
      '⏳ Ceph still warns MON_CLOCK_SKEW on mon.b (0.386898 s) after 1.0 s: Ceph re-checks clock skew only every 30 s while skewed and every 5 minutes otherwise, so this is not a failure. Re-check with /lab ceph status in 5 minutes.',
    );
    expect(mon.calls().filter((c) => c.includes('health detail')).length).toBeGreaterThan(1);
  });

  it('no monitor answering is said, with what to do', async () => {
    const refused = new HostError('a', 'unreachable', 'connect ECONNREFUSED 10.0.0.1:22', 'Check sshd.');
    const { ctx, shown } = context([
      ['ceph', refused, 'a'],
      ['ceph', new HostError('b', 'unreachable', 'connect ECONNREFUSED 10.0.0.2:22', 'Check sshd.'), 'b'],
    ]);
    const outcome = await verifyCephAfterSetup(ctx, [changed('a')], SUMMARY);
    expect(outcome?.kind).toBe('no-answer');
    expect(shown[1]).toBe(
      '⚠️ Ceph could not be asked whether MON_CLOCK_SKEW cleared (a: connect ECONNREFUSED 10.0.0.1:22). Re-check with /lab ceph status.',
    );
  });

  it('hosts that are not monitors, or failed, are not waited for: no SSH at all', async () => {
    const { ctx, shown, commands } = context([]);
    const failed: NtpHostResult = { ...changed('b'), outcome: 'failed' };
    expect(await verifyCephAfterSetup(ctx, [changed('web'), failed], SUMMARY)).toBeUndefined();
    expect(commands).toEqual([]);
    expect(shown).toEqual([]);
  });
});
