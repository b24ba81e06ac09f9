import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/bot/grammar.js';
import { cephAck } from '../../../src/watch/ceph-ack-command.js';
import { CEPH_RECORD } from '../../../src/watch/ceph-observe.js';
import { cephAckEvent } from '../../../src/watch/pagerduty-event.js';
import { alertCommand, withCephAlertActions } from '../../../src/watch/render-alert-actions.js';
import type { WatchCommandDeps } from '../../../src/watch/watch-command-deps.js';
import { type HostRecord, newRecord } from '../../../src/watch/watch-state.js';
import { inventoryOf } from '../../support/run-task.js';

const T0 = Date.UTC(2026, 11, 7, 9);
const inventory = inventoryOf('all:\n  children:\n    ceph_mons:\n      hosts:\n        mon1: {}\n');

const openRecord = (): HostRecord => ({
  ...newRecord(CEPH_RECORD, T0),
  state: 'warning',
  incident: { id: 'Ceph@1', openedAt: T0 },
  threads: { 'Ceph@1': { ts: '1700000000.000100', headline: '🟠 Ceph HEALTH_WARN: MON_CLOCK_SKEW' } },
});

/** /lab ceph ack on a Ceph record kept in a variable; thread replies and PagerDuty acks recorded. */
function setUp(
  record: HostRecord | undefined,
  opts: { alertChannel?: string } = { alertChannel: 'C0ALERTS' },
) {
  let kept = record;
  const told: { thread: string; text: string }[] = [];
  const acked: string[] = [];
  const deps: WatchCommandDeps = {
    store: {
      load: async () => new Map(),
      lastCheck: async () => undefined,
      paused: async () => undefined,
      pause: async () => undefined,
      resume: async () => undefined,
      update: async () => undefined,
    },
    cephStore: {
      load: async () => new Map(),
      update: async (host, change) => {
        expect(host).toBe(CEPH_RECORD);
        const next = change(kept);
        if (next) kept = next;
        return next ?? kept;
      },
    },
    silences: { list: async () => [], set: async () => undefined, remove: async () => undefined },
    chart: async () => Buffer.alloc(0),
    inventory,
    chat: {
      post: async () => ({ ts: '1' }),
      reply: async (_c, thread, m) => void told.push({ thread, text: m.text }),
    },
    files: { upload: async () => undefined },
    ...opts,
    intervalSeconds: 60,
    confirmChecks: 2,
    isAdmin: () => false,
    mention: (u) => `<@${u}>`,
    now: () => T0 + 60_000,
    onCephAck: (incident) => void acked.push(incident),
    log: pino({ level: 'silent' }),
  };
  const ack = async (user = 'U0ONCALL') => {
    const r = await cephAck({ user, channel: 'C0ALERTS' }, deps);
    return r.kind === 'reply' ? r.message.text : '';
  };
  return { ack, told, acked, kept: () => kept };
}

describe('/lab ceph ack', () => {
  it('acknowledges the open Ceph incident: who in its thread, PagerDuty told once', async () => {
    const { ack, told, acked, kept } = setUp(openRecord());
    expect(await ack()).toBe('Acknowledged the Ceph alert and its PagerDuty incident.');
    expect(kept()?.ack).toEqual({ incident: 'Ceph@1', by: 'U0ONCALL', at: T0 + 60_000 });
    expect(told).toHaveLength(1);
    expect(told[0]?.thread).toBe('1700000000.000100');
    expect(told[0]?.text).toMatch(/^👀 Ceph alert acknowledged by <@U0ONCALL> at /);
    expect(acked).toEqual(['Ceph@1']);
    // a second click says who did it first and tells nobody again
    expect(await ack('U0OTHER')).toMatch(/^The Ceph alert was already acknowledged by <@U0ONCALL> \(/);
    expect(told).toHaveLength(1);
    expect(acked).toEqual(['Ceph@1']);
  });

  it('says there is nothing to acknowledge when the cluster is well or never alerted', async () => {
    const well = setUp({ ...openRecord(), state: 'ok' });
    expect(await well.ack()).toBe('The Ceph cluster has no open alert: nothing to acknowledge.');
    expect(well.acked).toEqual([]);
    const never = setUp(undefined);
    expect(await never.ack()).toBe('The Ceph cluster has no open alert: nothing to acknowledge.');
  });

  it('says the Ceph watch is off where there is no alert channel', async () => {
    const off = setUp(openRecord(), {});
    expect(await off.ack()).toMatch(/^The Ceph watch is off here/);
    expect(off.kept()?.ack).toBeUndefined();
  });

  it('is a command of its own, the Ceph alert carries its button, and PagerDuty gets the Ceph dedup key', () => {
    expect(parseCommand('ceph ack')).toMatchObject({ spec: { task: 'ceph.ack', quick: true }, args: [] });
    expect(() => parseCommand('ceph ack now')).toThrow(/Too many arguments/);
    expect(alertCommand('labops_alert_ceph_ack', 'ceph')).toBe('ceph ack');
    const alert = withCephAlertActions({ text: '🟠 Ceph HEALTH_WARN: MON_CLOCK_SKEW' });
    expect(alert.blocks?.at(-1)).toMatchObject({
      type: 'actions',
      elements: [{ action_id: 'labops_alert_ceph_ack', value: 'ceph', text: { text: 'Acknowledge' } }],
    });
    expect(cephAckEvent('ceph', 'Ceph@1', 'R0UTING')).toEqual({
      routing_key: 'R0UTING',
      event_action: 'acknowledge',
      dedup_key: 'labops-ceph-ceph-Ceph@1',
    });
  });
});
