// The Ceph part of the clock-drift watch on a lab of this file's own: monitors whose `ceph` stand-in derives
// MON_CLOCK_SKEW from each host's real chronyd (test/lab/ceph-mons.ts), real Redis, fake Slack over HTTP.
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { installCeph } from '../lab/ceph-mons.js';
import { type Lab, startLab } from '../lab/index.js';
import { type FakePagerDuty, startFakePagerDuty } from '../support/fake-pagerduty.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { postInteraction } from '../support/slack-request.js';
import { until as untilValue } from '../support/until.js';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

const dir = join(tmpdir(), 'labops-ceph-watch-lab');
const ALERTS = 'C0CEPHWATCH';
const MONS = ['ntp1', 'client-sync', 'client-drift'];

let lab: Lab;
let labops: SlackLabops;
let redis: Redis;
let pagerDuty: FakePagerDuty;

/** ntp1 and ntp-fast serve, client-sync follows all, client-drift follows ntp-fast only (3 s); three of them are mons. */
function writeInventory(): string {
  const address = new Map(lab.hosts.map((h) => [h.name, h.address]));
  const group = (names: string[]) => ({
    hosts: Object.fromEntries(names.map((n) => [n, { ansible_host: address.get(n) }])),
  });
  const path = join(lab.dir, 'ceph-watch-inventory.yml');
  const vars = { ansible_user: 'root', ansible_port: 2222, ansible_ssh_private_key_file: lab.keyPath };
  const children = {
    ntp_servers: group(['ntp1', 'ntp-fast']),
    ntp_clients: group(['client-sync', 'client-drift']),
    ceph_mons: group(MONS),
  };
  writeFileSync(path, stringify({ all: { vars, children } }));
  return path;
}

const until = <T>(what: string, probe: () => Promise<T | undefined> | T | undefined) =>
  untilValue(what, probe, 45_000, 200);

const alerts = () => labops.slack.messages(ALERTS);
const isTop = (m: FakeMessage) => m.thread_ts === undefined || m.thread_ts === m.ts;
const cephAlerts = () => alerts().filter((m) => /^🟠 Ceph HEALTH_WARN: MON_CLOCK_SKEW/.test(String(m.text)));
const cephPaged = () => pagerDuty.events.filter((e) => e.dedup_key.startsWith('labops-ceph-'));
const cephChecks = async () => Number(await redis.hget(`${labops.prefix}:ceph:drift:counters`, 'checks'));

beforeAll(async () => {
  lab = await startLab({ dir, net: '127.0.142' });
  installCeph(lab, { state: { mons: MONS }, on: MONS, group: MONS });
  redis = new Redis(inject('redisUrl'));
  pagerDuty = await startFakePagerDuty();
  labops = await startSlackLabops({
    LAB_INVENTORY: writeInventory(),
    LAB_KNOWN_HOSTS: lab.knownHostsPath,
    LAB_ALERT_CHANNEL: ALERTS,
    LAB_DRIFT_INTERVAL: '1',
    LAB_CEPH_INTERVAL: '1',
    LAB_DRIFT_CONFIRM: '2',
    LAB_PAGERDUTY_ROUTING_KEY: 'R0UTINGCEPH',
    LAB_PAGERDUTY_URL: pagerDuty.url,
  });
}, 90_000);

afterAll(async () => {
  await labops?.close();
  await redis?.quit();
  await pagerDuty?.close();
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Ceph watch', () => {
  it('announces MON_CLOCK_SKEW once, in one incident with client-drift’s chrony alert; lists it; exports it', async () => {
    const ceph = await until('the Ceph alert', () => cephAlerts()[0]);
    const chrony = await until('the chrony alert of client-drift', () =>
      alerts().find((m) => !/Ceph/.test(String(m.text)) && /client-drift/.test(String(m.text))),
    );
    // one incident: whichever came first is the top-level message, the other is in its thread
    const [top, reply] = isTop(ceph) ? [ceph, chrony] : [chrony, ceph];
    expect(isTop(top)).toBe(true);
    expect(reply.thread_ts).toBe(top.ts);
    expect(String(ceph.text)).toMatch(
      /• mon\.client-drift: skew -?(2\.99|3)[\d.]* s against the leader; host client-drift/,
    );
    expect(String(ceph.text)).toContain('/lab ntp plan client-drift');

    // several more checks: still one Ceph alert (announced once, after the confirmation rule)
    const seen = await cephChecks();
    await until('three more Ceph checks', async () => ((await cephChecks()) >= seen + 3 ? true : undefined));
    expect(cephAlerts()).toHaveLength(1);
    // on-call was paged once for the cluster's incident, as a warning
    await until('the PagerDuty trigger', () => cephPaged()[0]);
    const [trigger, ...more] = cephPaged().filter((e) => e.event_action === 'trigger');
    expect(more).toEqual([]);
    expect(trigger).toMatchObject({
      routing_key: 'R0UTINGCEPH',
      dedup_key: expect.stringMatching(/^labops-ceph-ceph-Ceph@\d+$/),
      payload: {
        summary: expect.stringMatching(/^Ceph cluster ceph: HEALTH_WARN: MON_CLOCK_SKEW clock skew detected/),
        severity: 'warning',
      },
    });

    const listed = await labops.ask('ntp alerts');
    expect(String(listed.args.text)).toMatch(
      /🟠 Ceph HEALTH_WARN: MON_CLOCK_SKEW clock skew detected on mon\.client-drift since .*; skewed: mon\.client-drift \(host client-drift\)/,
    );

    const metrics = await (await fetch(`http://127.0.0.1:${labops.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/^labops_ceph_health 1$/m);
    expect(metrics).toMatch(/^labops_ceph_mon_skew_seconds\{mon="client-drift"\} -?(2\.99|3)[\d.e-]*$/m);
    expect(metrics).toMatch(/^labops_ceph_mon_skew_seconds\{mon="ntp1"\} 0$/m);
  }, 90_000);

  it('its Acknowledge button, clicked by anyone, says who in the thread and acknowledges on-call’s incident', async () => {
    const [ceph] = cephAlerts();
    if (!ceph) throw new Error('no Ceph alert');
    const button = (ceph.blocks as { elements?: { action_id?: string; value?: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'labops_alert_ceph_ack');
    expect(button).toMatchObject({ value: 'ceph' });
    const click = async () => {
      const before = labops.slack.callsTo('response_url').length;
      const res = await postInteraction(labops.events, labops.secret, {
        user_id: 'U0ONCALL',
        channel_id: ALERTS,
        message_ts: ceph.ts,
        actions: [{ action_id: 'labops_alert_ceph_ack', value: button?.value }],
        response_url: labops.slack.responseUrl({ channel: ALERTS, user: 'U0ONCALL' }),
      });
      expect(res.status).toBe(200);
      const calls = await labops.slack.waitForCount('response_url', before + 1, 10_000);
      return String(calls[before]?.args.text ?? '');
    };
    expect(await click()).toBe('Acknowledged the Ceph alert and its PagerDuty incident.');
    const thread = ceph.thread_ts ?? ceph.ts;
    const said = await until('the acknowledgement in the Ceph alert’s thread', () =>
      labops.slack
        .thread(ALERTS, thread)
        .find((m) => /^👀 Ceph alert acknowledged by <@U0ONCALL>/.test(m.text ?? '')),
    );
    expect(said.thread_ts).toBe(thread);
    const [trigger] = cephPaged();
    const acked = await until('the PagerDuty acknowledge', () =>
      cephPaged().find((e) => e.event_action === 'acknowledge'),
    );
    expect(acked).toEqual({
      routing_key: 'R0UTINGCEPH',
      event_action: 'acknowledge',
      dedup_key: trigger?.dedup_key,
    });
    // a second click acknowledges nothing more
    expect(await click()).toMatch(/^The Ceph alert was already acknowledged by <@U0ONCALL>/);
    expect(cephPaged().filter((e) => e.event_action === 'acknowledge')).toHaveLength(1);
  }, 60_000);

  it('recovers in its thread once the clock is right again', async () => {
    const [ceph] = cephAlerts();
    const thread = ceph?.thread_ts ?? ceph?.ts;
    await lab.setFastServerOffset(0);
    const recovered = await until('the Ceph recovery', () =>
      alerts().find((m) => String(m.text).startsWith('✅ Ceph recovered')),
    );
    expect(recovered.thread_ts).toBe(thread);
    // and PagerDuty's incident is resolved under the same key
    const [trigger] = cephPaged();
    await until('the PagerDuty resolve', () => cephPaged().find((e) => e.event_action === 'resolve'));
    expect(cephPaged().map((e) => [e.event_action, e.dedup_key])).toEqual([
      ['trigger', trigger?.dedup_key],
      ['acknowledge', trigger?.dedup_key], // the click above
      ['resolve', trigger?.dedup_key],
    ]);
    if (ceph && isTop(ceph))
      expect(String(labops.slack.message(ALERTS, ceph.ts)?.text)).toMatch(/^~.*Ceph.*~ resolved$/);
    const metrics = await (await fetch(`http://127.0.0.1:${labops.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/^labops_ceph_health 0$/m);
  }, 90_000);
});
