import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postSlackRequest, SLACK_IDS } from '../support/slack-request.js';
import { type SlackLabops, startSlackLabops, startTestLabops } from './start-labops.js';

const USER = 'ops';
const PASSWORD = 'correct horse battery';

describe('queue dashboard and App Home', () => {
  let labops: SlackLabops;
  let base: string;

  beforeAll(async () => {
    labops = await startSlackLabops({ LAB_DASHBOARD_USER: USER, LAB_DASHBOARD_PASSWORD: PASSWORD });
    base = `http://127.0.0.1:${labops.httpPort}`;
  });
  afterAll(async () => labops?.close());

  const basic = (user: string, password: string) => ({
    authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
  });

  it('serves Bull Board at /admin/queues only with the right basic-auth credentials', async () => {
    const anonymous = await fetch(`${base}/admin/queues`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect((await fetch(`${base}/admin/queues`, { headers: basic(USER, 'wrong') })).status).toBe(401);
    expect(
      (await fetch(`${base}/admin/queues/api/queues`, { headers: basic('root', PASSWORD) })).status,
    ).toBe(401);

    const page = await fetch(`${base}/admin/queues`, { headers: basic(USER, PASSWORD) });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    const api = await fetch(`${base}/admin/queues/api/queues?activeQueue=jobs&page=1`, {
      headers: basic(USER, PASSWORD),
    });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(body.queues.map((q) => q.name)).toContain('jobs');
    expect(body.queues.every((q) => q.readOnlyMode)).toBe(true);
  });

  it('has no dashboard when LAB_DASHBOARD_USER/PASSWORD are unset', async () => {
    const plain = await startTestLabops(labops.slackEnv, 'bot');
    try {
      const res = await fetch(`http://127.0.0.1:${plain.httpPort}/admin/queues`, {
        headers: basic(USER, PASSWORD),
      });
      expect(res.status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('publishes the App Home tab: hosts by group with their last NTP state, and running jobs', async () => {
    labops.slack.reset();
    await labops.slash('ntp status ntp_servers');
    await labops.slack.waitFor(
      (c) => c.method === 'chat.update' && /^NTP status of group ntp_servers/.test(String(c.args.text)),
      20_000,
    );
    // the worker stores the hosts' states as the job completes, just after its last message
    const redis = new Redis(inject('redisUrl'));
    try {
      for (const end = Date.now() + 10_000; !(await redis.hexists(`${labops.prefix}:ntp:last`, 'ntp1')); ) {
        if (Date.now() > end) throw new Error('the ntp status result was never stored');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await redis.quit();
    }

    const event = {
      token: SLACK_IDS.verificationToken,
      team_id: SLACK_IDS.teamId,
      api_app_id: SLACK_IDS.appId,
      type: 'event_callback',
      event_id: 'Ev0HOME1',
      event_time: Math.floor(Date.now() / 1000),
      event: {
        type: 'app_home_opened',
        user: SLACK_IDS.userId,
        channel: 'D0000HOME',
        tab: 'home',
        event_ts: `${Date.now() / 1000}`,
      },
    };
    const res = await postSlackRequest(labops.events, labops.secret, JSON.stringify(event), {
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    const publish = await labops.slack.waitFor('views.publish', 5000);
    expect(publish.args.user_id).toBe(SLACK_IDS.userId);
    const view = JSON.stringify(labops.slack.homeView(SLACK_IDS.userId));
    expect(view).toContain('*ntp_servers* (3)');
    expect(view).toMatch(/✅ ntp1: in sync, offset -?[\d.]+ ms, [\d.]+ s ago/);
    expect(view).toContain('client-silent: not checked yet'); // ntp_clients were not part of that status
    expect(view).toContain('*Jobs*: none running.');

    // it follows what happens next without being opened again: a status of client-sync refreshes it
    const before = labops.slack.callsTo('views.publish').length;
    await labops.slash('ntp status client-sync');
    await labops.slack.waitFor(
      (c) =>
        c.method === 'views.publish' &&
        labops.slack.calls.filter((x) => x.method === 'views.publish').indexOf(c) >= before &&
        /✅ client-sync: in sync/.test(JSON.stringify(c.args.view)),
      20_000,
    );
    expect(
      labops.slack
        .callsTo('views.publish')
        .slice(before)
        .every((c) => c.args.user_id === SLACK_IDS.userId),
    ).toBe(true);
    expect(JSON.stringify(labops.slack.homeView(SLACK_IDS.userId))).toMatch(/✅ client-sync: in sync/);
  }, 60_000);
});
