import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.js';
import { alertmanagerBody } from '../support/alertmanager-body.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { postInteraction } from '../support/slack-request.js';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

const TOKEN = 'am-webhook-token-0123456789';
const ALERTS = 'C0AMHOOK';

describe('POST /hooks/alertmanager into the alert channel', () => {
  let labops: SlackLabops;
  let url: string;

  beforeAll(async () => {
    labops = await startSlackLabops({
      LAB_WEBHOOK_TOKEN: TOKEN,
      LAB_ALERT_CHANNEL: ALERTS,
      LAB_DRIFT_INTERVAL: '3600',
    });
    url = labops.events.replace('/slack/events', '/hooks/alertmanager');
  });
  afterAll(async () => {
    await labops?.close();
  });

  const send = (body: unknown, token = TOKEN) =>
    fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const amMessages = () => labops.slack.messages(ALERTS).filter((m) => /Alertmanager/.test(m.text ?? ''));

  it('refuses a bad token (401) and a bad body (400, with the reason), posting nothing', async () => {
    const before = labops.slack.callsTo('chat.postMessage').length;
    expect(
      (await send(alertmanagerBody('firing', ['client-sync:9100']), 'wrong-token-0123456789')).status,
    ).toBe(401);
    const noAuth = await fetch(url, { method: 'POST', body: '{}' });
    expect(noAuth.status).toBe(401);
    const badJson = await send('{"version": "4",');
    expect(badJson.status).toBe(400);
    expect(await badJson.text()).toMatch(/^bad JSON: /);
    const badBody = await send({ ...alertmanagerBody('firing', ['x']), version: '3' });
    expect(badBody.status).toBe(400);
    expect(await badBody.text()).toMatch(/not an Alertmanager v4 webhook: version/);
    expect(labops.slack.callsTo('chat.postMessage').length).toBe(before);
  });

  it('one message per group key, updated on resolve; Check with labops runs ntp status for the mapped host', async () => {
    const inventory = await loadInventory(inject('lab').inventoryPath, { user: 'root' });
    const address = inventory.hosts.get('client-sync')?.address;
    expect(address).toMatch(/^127\./);
    const firing = await send(alertmanagerBody('firing', [`${address}:9100`, 'unknown-box:9100']));
    expect(firing.status).toBe(200);
    const [posted] = amMessages();
    expect(posted?.text).toMatch(/^🔥 Alertmanager: NodeClockSkew firing \(2 of 2\)/);
    expect(posted?.text).toContain(`🔴 ${address}:9100: Clock skew detected on ${address}:9100`);
    const buttons = JSON.stringify(posted?.blocks);
    expect(buttons).toContain('"value":"client-sync"');
    expect(buttons).not.toContain('unknown-box"');

    // the same group again, then resolved: the one message is updated, never repeated
    expect((await send(alertmanagerBody('firing', [`${address}:9100`]))).status).toBe(200);
    expect((await send(alertmanagerBody('resolved', [`${address}:9100`]))).status).toBe(200);
    expect(amMessages()).toHaveLength(1);
    expect(labops.slack.message(ALERTS, posted?.ts ?? '')?.text).toMatch(
      /^✅ Alertmanager: NodeClockSkew resolved/,
    );
    // another group is another message
    expect(
      (await send(alertmanagerBody('firing', ['client-sync:9100'], '{}:{alertname="Other"}'))).status,
    ).toBe(200);
    expect(amMessages()).toHaveLength(2);

    // Check with labops, clicked on that message as Slack sends it: the check answers in its thread
    const other = amMessages()[1] as FakeMessage;
    const res = await postInteraction(labops.events, labops.secret, {
      channel_id: ALERTS,
      message_ts: other.ts,
      message: { type: 'message', ts: other.ts, text: other.text, blocks: other.blocks },
      actions: [{ action_id: 'labops_alert_check_client-sync', value: 'client-sync' }],
      response_url: labops.slack.responseUrl({ channel: ALERTS }),
    });
    expect(res.status).toBe(200);
    const check = await labops.slack.waitFor(
      (c) =>
        c.method === 'chat.update' &&
        c.args.channel === ALERTS &&
        /client-sync/.test(String(c.args.text)) &&
        !/⏳/.test(String(c.args.text)),
      15_000,
    );
    expect(String(check.args.text)).toMatch(/client-sync/);
    // its sources table too goes into the alert's thread (Slack's threads are one level deep)
    const sources = await labops.slack.waitFor(
      (c) => c.method === 'chat.postMessage' && /MS Name\/IP address/.test(String(c.args.text)),
      10_000,
    );
    expect(sources.args.thread_ts).toBe(other.ts);
    const status = labops.slack.message(ALERTS, String(check.args.ts));
    expect(status?.thread_ts).toBe(other.ts);
    // nothing new at the top of the channel
    expect(labops.slack.messages(ALERTS).filter((m) => !m.thread_ts || m.thread_ts === m.ts)).toHaveLength(2);
  });
});
