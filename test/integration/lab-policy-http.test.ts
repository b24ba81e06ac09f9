// LAB_POLICY on labops' HTTP server: /admin/queues shows each lab's drift-watch queue; the Alertmanager webhook: each alert goes to the lab whose inventory has its instance (by name or
// address), into that lab's alert_channel; an alert naming no host of any lab is not posted (logged, and the 200 says
// why). Three labs over the shared lab's hosts: alpha (ntp1, ntp2), beta (client-sync), gamma (ntp-fast,
// no alert_channel). Real labops in HTTP mode, real Redis and sshd, Alertmanager v4 bodies as its webhook_config sends.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { alertmanagerBody } from '../support/alertmanager-body.js';
import { postInteraction } from '../support/slack-request.js';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

const TOKEN = 'am-webhook-token-policy-0123456789';
const ALPHA_ALERTS = 'CAMALPHA1';
const BETA_ALERTS = 'CAMBETA01';
const VIEWER = 'UAMVIEWER';
const DASHBOARD_PASSWORD = 'correct horse battery policy';
const DIR = join(tmpdir(), `labops-policy-am-${process.pid}`);
// in-sync hosts only where a lab has an alert channel: its drift watch posts nothing, so a failure the fake Slack is
// told to give is the webhook's
const LABS = { alpha: ['ntp1', 'ntp2'], beta: ['client-sync'], gamma: ['ntp-fast'] };

/** One lab's inventory: the shared lab's, with only these hosts. */
function inventoryOf(hosts: string[]): { text: string; addresses: Record<string, string> } {
  const main = parse(readFileSync(inject('lab').inventoryPath, 'utf8'));
  const addresses: Record<string, string> = {};
  for (const group of Object.values(main.all.children) as {
    hosts: Record<string, { ansible_host: string }>;
  }[]) {
    group.hosts = Object.fromEntries(Object.entries(group.hosts).filter(([h]) => hosts.includes(h)));
    for (const [h, v] of Object.entries(group.hosts)) addresses[h] = v.ansible_host;
  }
  return { text: stringify(main), addresses };
}

let labops: SlackLabops;
let url: string;
const addr: Record<string, string> = {};
const logLines: string[] = [];

beforeAll(async () => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  for (const [name, hosts] of Object.entries(LABS)) {
    const { text, addresses } = inventoryOf(hosts);
    writeFileSync(join(DIR, `${name}.yml`), text);
    Object.assign(addr, addresses);
  }
  const policy = {
    labs: {
      alpha: { inventory: join(DIR, 'alpha.yml'), channels: ['CAMCHANA1'], alert_channel: ALPHA_ALERTS },
      beta: { inventory: join(DIR, 'beta.yml'), channels: ['CAMCHANB1'], alert_channel: BETA_ALERTS },
      gamma: { inventory: join(DIR, 'gamma.yml'), channels: ['CAMCHANG1'] },
    },
    roles: { viewer: [VIEWER] },
  };
  writeFileSync(join(DIR, 'policy.yml'), stringify(policy));
  labops = await startSlackLabops(
    {
      LAB_POLICY: join(DIR, 'policy.yml'),
      LAB_WEBHOOK_TOKEN: TOKEN,
      LAB_DASHBOARD_USER: 'ops',
      LAB_DASHBOARD_PASSWORD: DASHBOARD_PASSWORD,
      LAB_DRIFT_INTERVAL: '3600',
      LOG_LEVEL: 'info',
    },
    'all',
    { log: { write: (line: string) => logLines.push(line) } },
  );
  url = labops.events.replace('/slack/events', '/hooks/alertmanager');
}, 60_000);

afterAll(async () => {
  await labops?.close();
  rmSync(DIR, { recursive: true, force: true });
});

const send = (body: unknown, token = TOKEN) =>
  fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const amMessages = (channel: string) =>
  labops.slack.messages(channel).filter((m) => /Alertmanager/.test(m.text ?? ''));
const allPosts = () => labops.slack.callsTo('chat.postMessage').length;

describe('POST /hooks/alertmanager under LAB_POLICY', () => {
  it('refuses a bad token as without a policy (401), posting nothing', async () => {
    const before = allPosts();
    expect(
      (await send(alertmanagerBody('firing', ['ntp1:9100']), 'wrong-token-policy-0123456789')).status,
    ).toBe(401);
    expect(allPosts()).toBe(before);
  });

  it("splits a group by lab: each lab's alerts to its alert channel; unknown hosts and gamma's (no alert_channel) are not posted, and the 200 says so", async () => {
    const ntp1 = `${addr.ntp1}:9100`;
    expect(addr.ntp1).toMatch(/^127\./);
    const res = await send(
      alertmanagerBody('firing', [ntp1, 'client-sync:9100', 'unknown-box:9100', 'ntp-fast:9100']),
    );
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain(`posted to lab alpha (${ALPHA_ALERTS}), lab beta (${BETA_ALERTS})`);
    expect(body).toContain(
      'not posted: lab gamma has no alert_channel ("ntp-fast:9100"): add one to LAB_POLICY',
    );
    expect(body).toContain('not posted: "unknown-box:9100": no host of any lab has this name or address');

    const [alpha] = amMessages(ALPHA_ALERTS);
    expect(amMessages(ALPHA_ALERTS)).toHaveLength(1);
    expect(alpha?.text).toMatch(/^🔥 Alertmanager: NodeClockSkew firing \(1 of 1\)/);
    expect(alpha?.text).toContain(`🔴 ${ntp1}: Clock skew detected on ${ntp1}`);
    expect(alpha?.text).not.toMatch(/client-sync|unknown-box|ntp-fast/);
    expect(JSON.stringify(alpha?.blocks)).toContain('"value":"ntp1"');

    const [beta] = amMessages(BETA_ALERTS);
    expect(amMessages(BETA_ALERTS)).toHaveLength(1);
    expect(beta?.text).toMatch(/^🔥 Alertmanager: NodeClockSkew firing \(1 of 1\)/);
    expect(beta?.text).not.toMatch(/ntp1|unknown-box|ntp-fast/);
    expect(JSON.stringify(beta?.blocks)).toContain('"value":"client-sync"');

    const logged = logLines.map((l) => JSON.parse(l) as { msg: string; instances?: string[]; lab?: string });
    expect(logged).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          msg: 'Alertmanager alert not posted: its instance is no host of any lab',
          instances: ['unknown-box:9100'],
        }),
        expect.objectContaining({
          msg: 'Alertmanager alert not posted: its lab has no alert_channel',
          lab: 'gamma',
        }),
      ]),
    );
  });

  it('an alert naming no host of any lab posts nothing anywhere: 200 with the reason', async () => {
    const before = allPosts();
    const res = await send(alertmanagerBody('firing', ['10.99.0.7:9100'], '{}:{alertname="Elsewhere"}'));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(
      'ok\nnothing posted\nnot posted: "10.99.0.7:9100": no host of any lab has this name or address (add it to a lab\'s inventory)\n',
    );
    expect(allPosts()).toBe(before);
  });

  it("resolving updates each lab's one message, never repeats it", async () => {
    const ntp1 = `${addr.ntp1}:9100`;
    const [alpha] = amMessages(ALPHA_ALERTS);
    const [beta] = amMessages(BETA_ALERTS);
    expect((await send(alertmanagerBody('resolved', [ntp1, 'client-sync:9100']))).status).toBe(200);
    expect(amMessages(ALPHA_ALERTS)).toHaveLength(1);
    expect(amMessages(BETA_ALERTS)).toHaveLength(1);
    expect(labops.slack.message(ALPHA_ALERTS, alpha?.ts ?? '')?.text).toMatch(
      /^✅ Alertmanager: NodeClockSkew resolved/,
    );
    expect(labops.slack.message(BETA_ALERTS, beta?.ts ?? '')?.text).toMatch(
      /^✅ Alertmanager: NodeClockSkew resolved/,
    );
  });

  it("Slack refusing one lab's message: the other lab's is posted, the answer is 500 so Alertmanager sends the group again, and the retry repeats nothing", async () => {
    const ntp1 = `${addr.ntp1}:9100`;
    const group = '{}:{alertname="SlackDown"}';
    const ofGroup = (channel: string) => amMessages(channel).filter((m) => /SlackDown/.test(m.text ?? ''));
    const body = alertmanagerBody('firing', [ntp1, 'client-sync:9100'], group);
    body.commonLabels.alertname = 'SlackDown';
    labops.slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    const first = await send(body);
    expect(first.status).toBe(500);
    // one of the two labs got its message (whichever asked Slack second), the other none
    expect(ofGroup(ALPHA_ALERTS).length + ofGroup(BETA_ALERTS).length).toBe(1);
    expect(
      logLines.some(
        (l) => /Alertmanager alert not posted: Slack refused it/.test(l) && /channel_not_found/.test(l),
      ),
    ).toBe(true);

    const again = await send(body);
    expect(again.status).toBe(200);
    expect(ofGroup(ALPHA_ALERTS)).toHaveLength(1);
    expect(ofGroup(BETA_ALERTS)).toHaveLength(1);
  });

  it("Check with labops in beta's alert channel runs ntp status on beta's host; alpha's host is not beta's to check", async () => {
    const click = (host: string) =>
      postInteraction(labops.events, labops.secret, {
        channel_id: BETA_ALERTS,
        user_id: VIEWER,
        actions: [{ action_id: `labops_alert_check_${host}`, value: host }],
        response_url: labops.slack.responseUrl({ channel: BETA_ALERTS, user: VIEWER }),
      });
    const before = labops.slack.calls.length;
    expect((await click('client-sync')).status).toBe(200);
    const check = await labops.slack.waitFor(
      (c) =>
        labops.slack.calls.indexOf(c) >= before &&
        (c.method === 'chat.update' || c.method === 'chat.postMessage') &&
        c.args.channel === BETA_ALERTS &&
        /client-sync/.test(String(c.args.text)) &&
        !/⏳/.test(String(c.args.text)),
      30_000,
    );
    expect(String(check.args.text)).toMatch(/client-sync/);
    // the check is beta's: in beta's audit trail, not alpha's
    const audit = async (lab: string) => {
      const redis = new Redis(inject('redisUrl'));
      const rows = await redis.xrange(`${labops.prefix}:lab:${lab}:audit`, '-', '+');
      await redis.quit();
      return rows.map(([, f]) => f.join(' '));
    };
    expect((await audit('beta')).some((e) => /ntp status client-sync/.test(e))).toBe(true);
    expect((await audit('alpha')).some((e) => /client-sync/.test(e))).toBe(false);

    // ntp1 is alpha's: clicked in beta's channel, beta's inventory has no such host (the drift watch of alpha may
    // reach ntp1 meanwhile, and other test files share the lab: the answer is what is asserted)
    const mark = labops.slack.calls.length;
    expect((await click('ntp1')).status).toBe(200);
    const answer = await labops.slack.waitFor(
      (c) => labops.slack.calls.indexOf(c) >= mark && /ntp1/.test(String(c.args.text ?? '')),
      15_000,
    );
    expect(String(answer.args.text)).toBe(
      'Unknown target `ntp1`. Valid targets: `all`, a group (ntp_clients, ntp_servers) or a host (client-sync).',
    );
  });
});

describe('/admin/queues under LAB_POLICY', () => {
  type Shown = { name: string; displayName?: string; readOnlyMode: boolean; counts: Record<string, number> };
  const board = async (): Promise<Shown[]> => {
    const res = await fetch(`http://127.0.0.1:${labops.httpPort}/admin/queues/api/queues?page=1`, {
      headers: { authorization: `Basic ${Buffer.from(`ops:${DASHBOARD_PASSWORD}`).toString('base64')}` },
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { queues: Shown[] }).queues;
  };
  const jobsOf = (q: Shown | undefined) => Object.values(q?.counts ?? {}).reduce((a, b) => a + b, 0);

  it("lists each lab's ntp-watch queue apart, named for its lab, read-only; the lab without alert_channel has no checks", async () => {
    const queues = await board();
    expect(queues.map((q) => q.name).sort()).toEqual([
      'alpha.ntp-watch',
      'beta.ntp-watch',
      'gamma.ntp-watch',
      'jobs',
    ]);
    const named = (name: string) => queues.find((q) => q.name === name);
    expect(named('alpha.ntp-watch')?.displayName).toBe('ntp-watch (lab alpha)');
    expect(named('beta.ntp-watch')?.displayName).toBe('ntp-watch (lab beta)');
    expect(queues.every((q) => q.readOnlyMode)).toBe(true);
    // each is the lab's own queue: alpha and beta (alert channels) have their drift checks, gamma none
    expect(jobsOf(named('alpha.ntp-watch'))).toBeGreaterThan(0);
    expect(jobsOf(named('beta.ntp-watch'))).toBeGreaterThan(0);
    expect(jobsOf(named('gamma.ntp-watch'))).toBe(0);
  });
});
