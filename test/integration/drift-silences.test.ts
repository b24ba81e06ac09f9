// Drift silences on a lab of this file's own (127.0.203.x) with two drifting hosts: client-drift and client-drift-2
// both follow ntp-fast alone, so moving ntp-fast makes both drift at once, as when a real time server goes wrong.
// Real chronyd, sshd and Redis; the fake Slack over signed HTTP; a fake PagerDuty Events API v2.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

const NET = '127.0.203';
const SECRET = 'drift-silences-signing-secret';
const ALERTS = 'C0SILENCES';
const ADMIN = 'U0ADMIN203';
const OTHER = 'U0OTHER203';
const DRIFTING = ['client-drift', 'client-drift-2'];
const HOSTS = { ntp_servers: ['ntp1', 'ntp-fast'], ntp_clients: ['client-sync', ...DRIFTING] };

interface Record {
  state?: string;
  last?: { state: string };
  incident?: { id: string };
  threads?: { [id: string]: { ts: string } };
}

describe('drift silences on a lab with two drifting hosts', () => {
  let lab: Lab;
  let fake: FakeSlack;
  let redis: Redis;
  let labops: Labops;
  let pagerDuty: FakePagerDuty;
  const prefix = `labops-silences-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    lab = await startLab({ dir: join(tmpdir(), 'labops-drift-silences-lab'), net: NET, driftClients: 1 });
    // the lab starts with ntp-fast at +3 s: both drifting clients follow it back to 0 before the watch starts
    await lab.setFastServerOffset(0);
    for (const host of DRIFTING) await untilHostInSync(lab, host);
    fake = await startFakeSlack();
    redis = new Redis(inject('redisUrl'));
    pagerDuty = await startFakePagerDuty();
    labops = await startDriftLabops({
      redisUrl: inject('redisUrl'),
      inventory: writeWatchInventory(lab, 'silences-inventory.yml', HOSTS, (n) => ({
        chrony_conf_path: join(lab.dir, 'hosts', n, 'chrony.conf'),
      })),
      lab,
      prefix,
      slack: { botToken: fake.botToken, apiUrl: fake.apiUrl, secret: SECRET },
      alertChannel: ALERTS,
      admin: ADMIN,
      pagerDuty: { url: pagerDuty.url, routingKey: 'R0UTINGKEY203' },
      env: { LAB_DRIFT_REMIND_MINUTES: '0' },
    });
  }, 90_000);

  afterAll(() => stopDriftTest({ labops, redis, prefix, closers: [fake, pagerDuty], lab }));

  const events = () => `http://127.0.0.1:${labops.httpPort}/slack/events`;
  const ephemeral = (text: string, user: string) =>
    askEphemeral({ fake, events: events(), secret: SECRET }, text, user);
  /** A click on a button of `message` (an alert, or a plan in its thread), as Slack sends it. */
  const click = async (user: string, message: FakeMessage, actionId: string, value: string) => {
    const before = fake.callsTo('response_url').length;
    const block = (message.blocks as { block_id?: string; elements?: { action_id?: string }[] }[]).find((b) =>
      b.elements?.some((e) => e.action_id === actionId),
    );
    const res = await postInteraction(events(), SECRET, {
      user_id: user,
      channel_id: ALERTS,
      message_ts: message.ts,
      message: {
        type: 'message',
        ts: message.ts,
        ...(message.thread_ts && { thread_ts: message.thread_ts }),
        text: message.text,
        blocks: message.blocks,
      },
      actions: [{ type: 'button', action_id: actionId, block_id: block?.block_id, value }],
      response_url: fake.responseUrl({ channel: ALERTS, user }),
    });
    expect(res.status).toBe(200);
    return before;
  };
  const checks = async () => Number((await redis.hget(`${prefix}:drift:counters`, 'checks')) ?? 0);
  const moreChecks = async (n: number) => {
    const from = await checks();
    await until(`${n} more checks`, async () => (await checks()) >= from + n);
  };
  const record = async (host: string) =>
    JSON.parse((await redis.hget(`${prefix}:drift:host:${host}`, 'json')) ?? '{}') as Record;
  const inState = (host: string, state: string) =>
    until(`${host} ${state}`, async () => ((await record(host)).state === state ? true : undefined));
  /** The top-level message of a host's open incident, once posted. */
  const openAlert = async (host: string) => {
    const r = await record(host);
    const thread = r.incident && r.threads?.[r.incident.id];
    return thread && fake.messages(ALERTS).find((m) => m.ts === thread.ts);
  };
  const textOf = (m: FakeMessage) => [m.text ?? '', ...m.history.map((h) => h.text ?? '')].join('\n');
  /** Every message (top-level or in a thread) and file in the alert channel that names client-drift itself. */
  const aboutClientDrift = () => [
    ...fake.messages(ALERTS).filter((m) => /client-drift(?!-2)/.test(textOf(m))),
    ...fake.files().filter((f) => /^client-drift-offset/.test(f.filename ?? '')),
  ];
  const pagedFor = (host: string) =>
    pagerDuty.events
      .filter((e) => e.dedup_key.startsWith(`labops-drift-${host}@`))
      .map((e) => e.event_action);

  it('a silence on one host posts and pages nothing for it while the other drifting host alerts', async () => {
    for (const host of DRIFTING)
      await until(`${host} checked in sync`, async () => {
        const r = await record(host);
        return r.state === 'ok' && r.last?.state === 'ok' ? true : undefined;
      });
    await moreChecks(2);
    expect(fake.messages(ALERTS)).toEqual([]);

    expect(await ephemeral('ntp silence client-drift 1h kernel upgrade', ADMIN)).toMatch(
      /^Silenced host client-drift for 1 h: still checked and recorded, nothing posted/,
    );
    const points = await redis.zcard(`${prefix}:drift:history:client-drift`);
    await lab.setFastServerOffset(3);

    // client-drift-2 alerts in the channel and pages on-call
    const alert = await until('client-drift-2’s alert', () => openAlert('client-drift-2'));
    expect(alert.text).toMatch(/client-drift-2: drifting \(critical\)/);
    expect(alert.text).toMatch(/offset 3\.0 s slow of NTP time/);
    await until('the PagerDuty trigger', () => pagedFor('client-drift-2').includes('trigger'));

    // client-drift drifts just the same: checked and recorded, and not a word about it
    await inState('client-drift', 'critical');
    await moreChecks(3);
    expect(aboutClientDrift()).toEqual([]);
    expect(pagedFor('client-drift')).toEqual([]);
    expect(await redis.zcard(`${prefix}:drift:history:client-drift`)).toBeGreaterThan(points);
    const listed = await ephemeral('ntp alerts', OTHER);
    expect(listed).toMatch(
      new RegExp(`🔕 client-drift silenced by <@${ADMIN}> until .* UTC \\(reason: kernel upgrade\\)`),
    );
    expect(listed).toMatch(/client-drift-2/);

    // both back in sync: client-drift-2's recovery in its thread and resolved on-call; still nothing of client-drift
    await lab.setFastServerOffset(0);
    await until('client-drift-2’s recovery', () =>
      fake.thread(ALERTS, alert.ts).find((m) => /back in sync/.test(m.text ?? '')),
    );
    await until('the PagerDuty resolve', () => pagedFor('client-drift-2').includes('resolve'));
    expect(pagedFor('client-drift-2')).toEqual(['trigger', 'resolve']);
    await inState('client-drift', 'ok');
    await moreChecks(2);
    expect(aboutClientDrift()).toEqual([]);
    expect(pagedFor('client-drift')).toEqual([]);
    expect(await ephemeral('ntp unsilence client-drift', ADMIN)).toMatch(
      /^Ended the silence on client-drift/,
    );
  }, 180_000);

  it('unsilencing one host takes it out of a group silence; a silenced alert is crossed out on recovery', async () => {
    await lab.setFastServerOffset(3);
    const alert = await until('client-drift’s alert', () => openAlert('client-drift'));
    const alert2 = await until('client-drift-2’s alert', () => openAlert('client-drift-2'));
    await until('both paged', () =>
      DRIFTING.every((h) => pagedFor(h).includes('trigger')) ? true : undefined,
    );

    // the whole group is silenced, then one host of it wants its alerts back
    expect(await ephemeral('ntp silence ntp_clients 2h rack move', ADMIN)).toMatch(
      /^Silenced group ntp_clients for 2 h/,
    );
    expect(await ephemeral('ntp unsilence client-drift', OTHER)).toMatch(/^Only lab admins/);
    expect(await ephemeral('ntp unsilence client-drift', ADMIN)).toBe(
      `client-drift is no longer silenced; took client-drift out of the silence on ntp_clients (by <@${ADMIN}>), which goes on for client-drift-2, client-sync: its alerts are posted again.`,
    );
    const listed = await ephemeral('ntp alerts', OTHER);
    expect(listed).toMatch(/🔕 ntp_clients silenced by/);
    await until('the thread told', () =>
      fake.thread(ALERTS, alert.ts).find((m) => /🔔 Silence ended by/.test(m.text ?? '')),
    );

    // back in sync: client-drift's recovery is posted as usual; client-drift-2, still silenced, posts nothing, but
    // its alert no longer says it is drifting
    await lab.setFastServerOffset(0);
    await until('client-drift’s recovery', () =>
      fake.thread(ALERTS, alert.ts).find((m) => /back in sync/.test(m.text ?? '')),
    );
    const crossed = await until('client-drift-2’s alert crossed out', () => {
      const m = fake.message(ALERTS, alert2.ts);
      return m && /client-drift-2 is back in sync while silenced/.test(m.text ?? '') ? m : undefined;
    });
    expect(JSON.stringify(crossed.blocks)).toMatch(/~🔴 \*client-drift-2\*: drifting \(critical\)[^~]*~/);
    expect(JSON.stringify(crossed.blocks)).not.toContain('labops_alert_ack');
    expect(JSON.stringify(crossed.blocks)).toContain('Nothing was posted meanwhile.');
    expect(fake.thread(ALERTS, alert2.ts).filter((m) => /back in sync/.test(m.text ?? ''))).toEqual([]);
    await until('client-drift-2 resolved on-call', () => pagedFor('client-drift-2').at(-1) === 'resolve');
    expect(await ephemeral('ntp unsilence ntp_clients', ADMIN)).toMatch(/^Ended the silence on ntp_clients/);
  }, 180_000);

  it('Fix… opens the /lab ntp setup plan in the alert’s thread, for admins only; Confirm runs it in that thread', async () => {
    await lab.setFastServerOffset(3);
    await until('client-drift in a new incident', async () => {
      const r = await record('client-drift');
      return r.state === 'critical' && r.incident ? true : undefined;
    });
    const alert = await until('client-drift’s new alert', () => openAlert('client-drift'));
    const top = () => fake.messages(ALERTS).filter((m) => !m.thread_ts || m.thread_ts === m.ts);
    const topBefore = new Set(top().map((m) => m.ts));
    const confPath = join(lab.dir, 'hosts', 'client-drift', 'chrony.conf');
    const conf = readFileSync(confPath, 'utf8');

    // a non-admin's click is refused, and starts nothing
    const refusedAt = await click(OTHER, alert, 'labops_alert_fix', 'client-drift');
    const refused = await fake.waitForCount('response_url', refusedAt + 1, 10_000);
    expect(String(refused[refusedAt]?.args.text)).toMatch(/^Only lab admins may run `\/lab ntp setup`/);

    // an admin's: the plan, with its Confirm, is a reply in the alert's thread
    await click(ADMIN, alert, 'labops_alert_fix', 'client-drift');
    const plan = await until('the plan in the thread', () =>
      fake.thread(ALERTS, alert.ts).find((m) => JSON.stringify(m.blocks ?? []).includes('labops_confirm')),
    );
    expect(plan.text).toMatch(/client-drift/);
    expect(plan.thread_ts).toBe(alert.ts);
    const confirm = (plan.blocks as { elements?: { action_id?: string; value?: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'labops_confirm');
    expect(confirm?.value).toBeDefined();

    // nothing ran before Confirm: the host's chrony.conf is as the lab wrote it; then Confirm runs it, in the thread
    expect(readFileSync(confPath, 'utf8')).toBe(conf);
    await click(ADMIN, plan, 'labops_confirm', String(confirm?.value));
    const running = await until('the run in the thread', () =>
      fake.thread(ALERTS, alert.ts).find((m) => /confirmed by/.test(m.history[0]?.text ?? m.text ?? '')),
    );
    expect(running.thread_ts).toBe(alert.ts);
    await until('the run’s end', () => {
      const m = fake.message(ALERTS, running.ts);
      return m && !/⏳/.test(m.text ?? '') ? m : undefined;
    });
    // everything it said stayed in that thread: no message of it at the top, no thread under a reply
    // (client-drift-2's new alert may come a check after client-drift's: the only new message allowed at the top)
    const newAtTop = top().filter((m) => !topBefore.has(m.ts));
    const other = (m: FakeMessage) =>
      /^🔴 \*?client-drift-2\*?: drifting/.test(m.history[0]?.text ?? m.text ?? '');
    expect(newAtTop.filter((m) => !other(m))).toEqual([]);
    expect(fake.message(ALERTS, plan.ts)?.thread_ts).toBe(alert.ts);
    expect(fake.message(ALERTS, running.ts)?.thread_ts).toBe(alert.ts);
    await lab.setFastServerOffset(0);
  }, 180_000);
});
