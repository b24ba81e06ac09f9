import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Labops } from '../../src/main.js';
import { type Lab, startLab } from '../lab/index.js';
import { askEphemeral } from '../support/ask-ephemeral.js';
import { startDriftLabops, stopDriftTest, writeWatchInventory } from '../support/drift-labops.js';
import { type FakePagerDuty, startFakePagerDuty } from '../support/fake-pagerduty.js';
import { type FakeMessage, type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { postInteraction } from '../support/slack-request.js';
import { until } from '../support/until.js';
import { untilHostInSync } from '../support/until-host-in-sync.js';

// A lab of its own (127.0.161.x): this file moves the fast time server's offset, which the shared lab must keep.
const NET = '127.0.161';
const SECRET = 'alert-actions-signing-secret';
const ALERTS = 'C0ALERTS2';
const ADMIN = 'U0ADMIN3';
const OTHER = 'U0OTHER3';
const HOSTS = { ntp_servers: ['ntp1', 'ntp-fast'], ntp_clients: ['client-sync', 'client-drift'] };

type Element = { action_id?: string; value?: string };

describe('acting on drift alerts from Slack, on the simulated lab', () => {
  let lab: Lab;
  let fake: FakeSlack;
  let redis: Redis;
  let labops: Labops;
  // a fake PagerDuty Events API v2: records what it is sent
  let pagerDuty: FakePagerDuty;
  const paged = () => pagerDuty.events;
  const prefix = `labops-alerts-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    lab = await startLab({ dir: join(tmpdir(), 'labops-alert-actions-lab'), net: NET });
    // the lab starts with ntp-fast at +3 s: a watch started before client-drift has followed it back to 0 opens
    // an incident of its own, whose alert recovers and is not the one this test acts on
    await lab.setFastServerOffset(0);
    await untilHostInSync(lab, 'client-drift');
    fake = await startFakeSlack();
    redis = new Redis(inject('redisUrl'));
    pagerDuty = await startFakePagerDuty();
    labops = await startDriftLabops({
      redisUrl: inject('redisUrl'),
      inventory: writeWatchInventory(lab, 'alerts-inventory.yml', HOSTS),
      lab,
      prefix,
      slack: { botToken: fake.botToken, apiUrl: fake.apiUrl, secret: SECRET },
      alertChannel: ALERTS,
      admin: ADMIN,
      pagerDuty: { url: pagerDuty.url, routingKey: 'R0UTINGKEY' },
      env: { LAB_DRIFT_REMIND_MINUTES: '0.05' }, // reminders every 3 s
    });
  }, 90_000);

  afterAll(() => stopDriftTest({ labops, redis, prefix, closers: [fake, pagerDuty], lab }));

  const events = () => `http://127.0.0.1:${labops.httpPort}/slack/events`;
  const ephemeral = (text: string, user: string) =>
    askEphemeral({ fake, events: events(), secret: SECRET }, text, user);
  const click = async (user: string, action: string, host = 'client-drift') => {
    const before = fake.callsTo('response_url').length;
    const res = await postInteraction(events(), SECRET, {
      user_id: user,
      channel_id: ALERTS,
      actions: [{ action_id: action, value: host }],
      response_url: fake.responseUrl({ channel: ALERTS, user }),
    });
    expect(res.status).toBe(200);
    const calls = await fake.waitForCount('response_url', before + 1, 10_000);
    return String(calls[before]?.args.text ?? '');
  };
  const checks = async () => Number((await redis.hget(`${prefix}:drift:counters`, 'checks')) ?? 0);
  const moreChecks = async (n: number) => {
    const from = await checks();
    await until(`${n} more checks`, async () => (await checks()) >= from + n);
  };
  const record = async () =>
    JSON.parse((await redis.hget(`${prefix}:drift:host:client-drift`, 'json')) ?? '{}') as {
      state?: string;
      last?: { state: string };
      incident?: { id: string };
      threads?: Record<string, { ts: string }>;
    };
  const state = async () => (await record()).state;
  /** The top-level message of client-drift's open incident, once it is posted. */
  const openAlert = async () => {
    const r = await record();
    const thread = r.incident && r.threads?.[r.incident.id];
    return thread && fake.messages(ALERTS).find((m) => m.ts === thread.ts && isTop(m));
  };
  const isTop = (m: FakeMessage) => m.thread_ts === undefined || m.thread_ts === m.ts;
  const alerts = () =>
    fake
      .messages(ALERTS)
      .filter((m) => isTop(m) && /client-drift: drifting/.test(m.history[0]?.text ?? m.text ?? ''));
  const inThread = (ts: string, re: RegExp) => fake.thread(ALERTS, ts).filter((m) => re.test(m.text ?? ''));

  it('buttons on the alert; reminders until acknowledged; silences post nothing, are listed and end once', async () => {
    // checked in sync (a new record says ok before anything was announced), and nothing said so far
    await until('client-drift checked in sync', async () => {
      const r = await record();
      return r.state === 'ok' && r.last?.state === 'ok' && !r.incident ? true : undefined;
    });
    await moreChecks(2);
    expect(alerts()).toEqual([]);
    await lab.setFastServerOffset(3);
    // the alert of the incident this offset opens
    const alert = await until('the alert', openAlert);
    expect(alerts()).toEqual([alert]);
    const buttons = (alert.blocks as { type: string; elements?: Element[] }[])
      .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
      .map((e) => `${e.action_id}=${e.value}`);
    expect(buttons).toEqual([
      'labops_alert_ack=client-drift',
      'labops_alert_silence_1h=client-drift',
      'labops_alert_silence_8h=client-drift',
      'labops_alert_silence_sync=client-drift',
      'labops_alert_fix=client-drift',
      'labops_alert_chart=client-drift',
    ]);

    // unacknowledged and critical: reminded in the thread, not in the channel
    await until(
      'a reminder',
      () =>
        inThread(
          alert.ts,
          /⏰ Reminder: \*client-drift\* is still (drifting \(critical\)|not synchronised)/,
        )[0],
    );
    expect(fake.messages(ALERTS).filter((m) => isTop(m) && /Reminder/.test(m.text ?? ''))).toEqual([]);

    // Silence is for admins; Acknowledge for everyone, and it stops the reminders
    expect(await click(OTHER, 'labops_alert_silence_1h')).toMatch(
      /Only lab admins may run `\/lab ntp silence client-drift`/,
    );
    expect(await click(OTHER, 'labops_alert_ack')).toMatch(/Acknowledged client-drift's drift alert/);
    await until(
      'the ack in the thread',
      () => inThread(alert.ts, new RegExp(`👀 Acknowledged by <@${OTHER}> at <!date`))[0],
    );
    const reminders = inThread(alert.ts, /Reminder/).length;
    // on-call was paged once for the incident, and hears of the acknowledgement under the same dedup key
    await until('the PagerDuty acknowledge', () => paged().find((e) => e.event_action === 'acknowledge'));
    const [trigger, ...more] = paged().filter((e) => e.event_action === 'trigger');
    expect(more).toEqual([]);
    expect(trigger).toMatchObject({
      routing_key: 'R0UTINGKEY',
      dedup_key: expect.stringMatching(/^labops-drift-client-drift@\d+$/),
    });
    expect(paged().find((e) => e.event_action === 'acknowledge')?.dedup_key).toBe(trigger?.dedup_key);
    await moreChecks(5); // more than one reminder interval
    expect(inThread(alert.ts, /Reminder/)).toHaveLength(reminders);
    expect(await ephemeral('ntp ack client-drift', ADMIN)).toMatch(/already acknowledged by <@U0OTHER3>/);

    // Chart: the host's chart in the alert's thread
    expect(await click(OTHER, 'labops_alert_chart')).toMatch(/Posted client-drift's chart/);
    const chart = await until('the chart', () =>
      fake.files().find((f) => f.thread_ts === alert.ts && f.filename === 'client-drift-offset-last-6h.png'),
    );
    expect(chart.completed).toBe(true);

    // an admin silences it for a minute: listed; checks go on, nothing is posted, not even its recovery
    expect(await ephemeral('ntp silence client-drift 1m maintenance window', OTHER)).toMatch(
      /Only lab admins/,
    );
    expect(await ephemeral('ntp silence client-drift 1m maintenance window', ADMIN)).toMatch(
      /^Silenced host client-drift for 1 min: still checked and recorded, nothing posted/,
    );
    const silencedAt = Date.now();
    expect(await ephemeral('ntp alerts', OTHER)).toMatch(
      new RegExp(
        `🔕 client-drift silenced by <@${ADMIN}> until \\d{4}-\\d\\d-\\d\\d [\\d:]+ UTC \\(reason: maintenance window\\)`,
      ),
    );
    const said = fake.messages(ALERTS).length + fake.thread(ALERTS, alert.ts).length;
    const points = await redis.zcard(`${prefix}:drift:history:client-drift`);
    await lab.setFastServerOffset(0);
    await until('client-drift ok', async () => ((await state()) === 'ok' ? true : undefined));
    await lab.setFastServerOffset(3);
    await until('client-drift critical again', async () =>
      (await state()) === 'critical' ? true : undefined,
    );
    await moreChecks(2);
    expect(Date.now() - silencedAt).toBeLessThan(60_000); // (else the rest of this test proves nothing)
    expect(inThread(alert.ts, /back in sync/)).toEqual([]);
    // the recovery is not posted, but PagerDuty's incident is resolved; the silenced new one pages nobody
    expect(
      paged()
        .filter((e) => e.event_action === 'resolve')
        .map((e) => e.dedup_key),
    ).toEqual([trigger?.dedup_key]);
    expect(paged().filter((e) => e.event_action === 'trigger')).toHaveLength(1);
    expect(alerts()).toHaveLength(1);
    // the threads' own Silenced note is the only word since the silence
    expect(fake.messages(ALERTS).length + fake.thread(ALERTS, alert.ts).length).toBeLessThanOrEqual(said + 1);
    expect(await redis.zcard(`${prefix}:drift:history:client-drift`)).toBeGreaterThan(points);

    // the minute is up while it is still drifting: one message says so
    const over = await until(
      'the end of the silence',
      () => fake.messages(ALERTS).find((m) => /🔔 The silence is over/.test(m.text ?? '')),
      90_000,
    );
    expect(over.text).toMatch(/\*client-drift\* is still drifting \(critical\)/);
    await moreChecks(3);
    expect(fake.messages(ALERTS).filter((m) => /silence is over/.test(m.text ?? ''))).toHaveLength(1);
    expect(await ephemeral('ntp alerts', OTHER)).not.toMatch(/🔕/);

    // until-sync ends when the host is back in sync, without a word
    expect(await click(ADMIN, 'labops_alert_silence_sync')).toMatch(
      /^Silenced host client-drift until back in sync/,
    );
    expect(await ephemeral('ntp alerts', OTHER)).toMatch(/🔕 client-drift silenced by .* until back in sync/);
    await lab.setFastServerOffset(0);
    await until('the until-sync silence ended', async () =>
      (await redis.hlen(`${prefix}:drift:silences`)) === 0 ? true : undefined,
    );
    expect(fake.messages(ALERTS).filter((m) => /silence is over/.test(m.text ?? ''))).toHaveLength(1);

    // every ack and silence is in the audit trail
    const history = await ephemeral('history 50', ADMIN);
    expect(history).toMatch(
      /\/lab ntp silence client-drift 1m maintenance window → silenced client-drift for 1 min/,
    );
    expect(history).toMatch(
      /\/lab ntp silence client-drift until-sync from the alert → silenced client-drift until in sync/,
    );
    expect(await ephemeral('history 50', OTHER)).toMatch(
      /\/lab ntp ack client-drift → acknowledged client-drift/,
    );
  }, 240_000);
});
