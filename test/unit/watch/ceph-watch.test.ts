import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ChatSink } from '../../../src/chat/sink.js';
import { CephHealth, CephStatus, CephTimeSync } from '../../../src/tasks/ceph-cluster/parse-ceph.js';
import type { CephReading } from '../../../src/tasks/ceph-cluster/read-ceph.js';
import { cephThreadOf, deliverCeph } from '../../../src/watch/ceph-deliver.js';
import { CEPH_RECORD, observeCeph } from '../../../src/watch/ceph-observe.js';
import { type DeliverDeps, deliver } from '../../../src/watch/deliver.js';
import { cephPagerEventOf, type PagerEvent } from '../../../src/watch/pagerduty-event.js';
import { step } from '../../../src/watch/step.js';
import { type HostRecord, newRecord, type Observation } from '../../../src/watch/watch-state.js';
import type { Versioned } from '../../../src/watch/watch-store.js';
import { inventoryOf } from '../../support/run-task.js';
import { fixture } from '../ceph/ceph-host.js';

const AT = Date.UTC(2026, 11, 7, 8, 0, 0);
const RULES = { confirmChecks: 2, flapChanges: 4, flapWindowMs: 3600_000, flapStableChecks: 10 };
const inventory = inventoryOf(
  'all:\n  children:\n    ceph_mons:\n      hosts:\n        a: {}\n        b: {}\n',
);
const json = (name: string) => JSON.parse(fixture(name).out.slice(fixture(name).out.indexOf('{')));

function reading(status: string, health: string, timeSync: string): CephReading {
  return {
    monitor: 'a',
    status: CephStatus.parse(json(status)),
    health: CephHealth.parse(json(health)),
    timeSync: CephTimeSync.parse(json(timeSync)),
    raw: [],
    notes: [],
  };
}
const skewed = () =>
  reading(
    'assembled-reef-status-mon-clock-skew.json.txt',
    'assembled-health-detail-mon-clock-skew.json.txt',
    'assembled-time-sync-status-mon-clock-skew.json.txt',
  );
const healthy = () =>
  reading(
    'reef-status-health-ok.json.txt',
    'reef-health-detail-ok.json.txt',
    'time-sync-status-ok-1mon.json.txt',
  );

/** The record after a series of observations, and every announcement on the way (the drift watch's state machine). */
function run(observations: Observation[]) {
  let record: HostRecord | undefined;
  const announced: string[] = [];
  for (const obs of observations) {
    const r = step(record, obs, RULES, CEPH_RECORD);
    record = { ...r.record, outbox: [...r.record.outbox, ...r.announcements] };
    announced.push(...r.announcements.map((a) => `${a.kind} ${a.state}`));
  }
  return { record: record as HostRecord, announced };
}

describe('the Ceph watch: what it observes', () => {
  it('MON_CLOCK_SKEW is a warning naming the skewed monitor and its host; HEALTH_ERR is critical; OK is ok', () => {
    const obs = observeCeph(skewed(), inventory, AT);
    expect(obs).toMatchObject({
      state: 'warning',
      reason: 'HEALTH_WARN: MON_CLOCK_SKEW clock skew detected on mon.b',
      ceph: { health: 'HEALTH_WARN', checks: ['MON_CLOCK_SKEW'], skewed: [{ mon: 'b', host: 'b' }] },
    });
    expect(obs.ceph?.skews).toEqual({ a: 0, b: 0.386898, c: -0.000002 });
    expect(obs.hint).toContain('/lab ntp plan b');
    const err = reading(
      'assembled-reef-status-health-err-osds-down.json.txt',
      'assembled-health-detail-health-err-osds-down.json.txt',
      'time-sync-status-ok-1mon.json.txt',
    );
    expect(observeCeph(err, inventory, AT)).toMatchObject({
      state: 'critical',
      reason: 'HEALTH_ERR: PG_DAMAGED Possible data damage: 1 pg recovery_unfound',
    });
    expect(observeCeph(healthy(), inventory, AT).state).toBe('ok');
  });

  it('announced once, after the confirmation rule, and recovered once', () => {
    const at = (s: number, r: CephReading) => observeCeph(r, inventory, AT + s * 1000);
    const { announced } = run([
      at(1, skewed()),
      at(2, skewed()),
      at(3, skewed()),
      at(4, skewed()),
      at(5, healthy()),
      at(6, healthy()),
    ]);
    expect(announced).toEqual(['alert warning', 'recovery ok']);
  });
});

/** A Slack that hands out ts 1, 2, 3… for posts and records every call; stores that keep their records. */
function setUp(drift: HostRecord[]) {
  const calls: string[] = [];
  let n = 0;
  const chat: ChatSink = {
    post: async (_c, m) => {
      n++;
      calls.push(`post ${n} ${m.text.split('\n')[0]}`);
      return { ts: String(n) };
    },
    update: async (_c, ts, m) => void calls.push(`update ${ts} ${m.text.split('\n')[0]}`),
    reply: async (_c, ts, m) => void calls.push(`reply ${ts} ${m.text.split('\n')[0]}`),
  };
  const records = new Map<string, HostRecord>(drift.map((r) => [r.host, r]));
  const store = {
    update: async (host: string, fn: (r: HostRecord | undefined) => HostRecord | undefined) => {
      const next = fn(records.get(host));
      if (next) records.set(host, next);
      return next;
    },
    load: async (hosts: readonly string[]) =>
      new Map<string, Versioned>(hosts.map((h) => [h, { version: 1, record: records.get(h) }])),
  };
  return { chat, calls, store, records, log: pino({ level: 'silent' }) };
}

const chronyIncident = (host: string, ts: string): HostRecord => ({
  ...newRecord(host, AT),
  state: 'critical',
  incident: { id: `${host}@${AT}`, openedAt: AT },
  threads: { [`${host}@${AT}`]: { ts, headline: `🔴 ${host} drifting` } },
});

describe('the Ceph watch: one incident with the chrony alert of a skewed monitor', () => {
  const obs = (s: number, r: CephReading) => observeCeph(r, inventory, AT + s * 1000);

  it("an alert goes into the open chrony alert's thread of the skewed monitor's host; its recovery too, nothing crossed out", async () => {
    const { chat, calls, store, records, log } = setUp([chronyIncident('b', '77.1')]);
    const deps = { store, driftStore: store, chat, channel: 'C1', log };
    const alerting = run([obs(1, skewed()), obs(2, skewed())]).record;
    records.set(CEPH_RECORD, alerting);
    await deliverCeph(alerting, deps);
    expect(calls).toEqual(['reply 77.1 🟠 Ceph HEALTH_WARN: MON_CLOCK_SKEW clock skew detected on mon.b']);
    const after = records.get(CEPH_RECORD) as HostRecord;
    expect(after.outbox).toEqual([]);
    const recovered = step(after, obs(3, healthy()), RULES, CEPH_RECORD);
    const r2 = step(recovered.record, obs(4, healthy()), RULES, CEPH_RECORD);
    await deliverCeph({ ...r2.record, outbox: r2.announcements }, deps);
    expect(calls.slice(1)).toEqual([
      'reply 77.1 ✅ Ceph recovered: HEALTH_OK, no clock skew (answered by a)',
    ]);
  });

  it('without a chrony alert the Ceph alert is a message of its own, crossed out on recovery', async () => {
    const { chat, calls, store, records, log } = setUp([]);
    const deps = { store, driftStore: store, chat, channel: 'C1', log };
    const alerting = run([obs(1, skewed()), obs(2, skewed())]).record;
    records.set(CEPH_RECORD, alerting);
    await deliverCeph(alerting, deps);
    const after = records.get(CEPH_RECORD) as HostRecord;
    const r1 = step(after, obs(3, healthy()), RULES, CEPH_RECORD);
    const r2 = step(r1.record, obs(4, healthy()), RULES, CEPH_RECORD);
    await deliverCeph({ ...r2.record, outbox: r2.announcements }, deps);
    expect(calls).toEqual([
      'post 1 🟠 Ceph HEALTH_WARN: MON_CLOCK_SKEW clock skew detected on mon.b',
      'reply 1 ✅ Ceph recovered: HEALTH_OK, no clock skew (answered by a)',
      'update 1 ~🟠 Ceph HEALTH_WARN: MON_CLOCK_SKEW clock skew detected on mon.b~ resolved',
    ]);
  });

  it('pages on-call: a trigger once Slack took the alert, a resolve on recovery, one dedup key; nothing unposted', async () => {
    const { chat, calls, store, records, log } = setUp([]);
    const paged: PagerEvent[] = [];
    const page = (a: Parameters<typeof cephPagerEventOf>[0]) => {
      const event = cephPagerEventOf(a, 'lab1', 'RK');
      if (event) paged.push(event);
    };
    const deps = { store, driftStore: store, chat, channel: 'C1', log, page };
    const alerting = run([obs(1, skewed()), obs(2, skewed())]).record;
    records.set(CEPH_RECORD, alerting);
    // Slack down: nothing posted, nobody paged; the alert stays in the outbox
    const down = { ...chat, post: async () => Promise.reject(new Error('slack down')) };
    await deliverCeph(alerting, { ...deps, chat: down });
    expect(paged).toEqual([]);
    await deliverCeph(records.get(CEPH_RECORD) as HostRecord, deps);
    expect(paged).toEqual([
      {
        routing_key: 'RK',
        event_action: 'trigger',
        dedup_key: `labops-ceph-lab1-${alerting.incident?.id}`,
        payload: {
          summary: expect.stringMatching(
            /^Ceph cluster lab1: HEALTH_WARN: MON_CLOCK_SKEW clock skew detected/,
          ),
          source: 'a',
          severity: 'warning',
        },
      },
    ]);
    const after = records.get(CEPH_RECORD) as HostRecord;
    const r1 = step(after, obs(3, healthy()), RULES, CEPH_RECORD);
    const r2 = step(r1.record, obs(4, healthy()), RULES, CEPH_RECORD);
    await deliverCeph({ ...r2.record, outbox: r2.announcements }, deps);
    expect(paged[1]).toEqual({ routing_key: 'RK', event_action: 'resolve', dedup_key: paged[0]?.dedup_key });
    expect(calls.filter((c) => c.startsWith('post'))).toHaveLength(1);
  });

  it('HEALTH_ERR pages as critical; a change inside the incident pages nobody', () => {
    const alert = run([obs(1, skewed()), obs(2, skewed())]).record.outbox[0];
    if (!alert) throw new Error('no Ceph alert');
    const err = {
      ...alert,
      state: 'critical' as const,
      observation: { ...alert.observation, state: 'critical' as const },
    };
    expect(cephPagerEventOf(err, 'ceph', 'RK')?.payload?.severity).toBe('critical');
    expect(cephPagerEventOf({ ...alert, kind: 'change', opens: false }, 'ceph', 'RK')).toBeUndefined();
  });

  it("the other way round: a chrony alert of a skewed monitor's host goes into the open Ceph alert's thread", async () => {
    const { chat, calls, store, records, log } = setUp([]);
    const alerting = run([obs(1, skewed()), obs(2, skewed())]).record;
    records.set(CEPH_RECORD, {
      ...alerting,
      outbox: [],
      threads: { [alerting.incident?.id ?? '']: { ts: '55.5', headline: 'Ceph' } },
    });
    expect(await cephThreadOf(store, 'b')).toBe('55.5');
    expect(await cephThreadOf(store, 'a')).toBeUndefined();
    const chronyAlert = {
      kind: 'alert' as const,
      host: 'b',
      incident: `b@${AT}`,
      state: 'critical' as const,
      from: 'ok' as const,
      since: AT,
      observation: { at: AT, state: 'critical' as const, offsetSeconds: 3, source: '10.0.0.9' },
      opens: true,
      closes: false,
    };
    const drift: DeliverDeps = {
      store,
      chat,
      files: { upload: async (_c, f) => void calls.push(`file in ${f.threadTs}: ${f.filename}`) },
      channel: 'C1',
      chart: async () => Buffer.from([1]),
      rules: RULES,
      now: () => AT,
      log,
      joinThread: (host) => cephThreadOf(store, host),
    };
    const b = { ...newRecord('b', AT), outbox: [chronyAlert] };
    records.set('b', b);
    await deliver([b], drift);
    expect(calls[0]).toMatch(/^reply 55\.5 .*b/);
    expect(calls[1]).toBe('file in 55.5: b-offset-last-hour.png');
    expect(records.get('b')?.threads[`b@${AT}`]).toMatchObject({ ts: '55.5', joined: true });
  });
});
