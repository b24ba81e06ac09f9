import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { NTP_STATUS_COMMAND, NTP_STATUS_REPEATING } from '../../src/tasks/chrony/remote-command.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { logSince } from '../support/log-since.js';
import { postSlashCommand, SLACK_IDS } from '../support/slack-request.js';
import { startTestLabops, type TestLabops } from './start-labops.js';

const SECRET = 'test-signing-secret-1234';
/** A pattern where NET stands for the shared lab's net (127.0.2 unless LABOPS_TEST_NET says otherwise). */
const re = (src: string) => new RegExp(src.replaceAll('NET', inject('lab').net.replaceAll('.', '\\.')));
const isSummary = (text: string | undefined) => /^\*?NTP status of/.test(text ?? '');

describe('/lab ntp status over signed HTTP requests, against the simulated lab', () => {
  let fake: FakeSlack;
  let labops: TestLabops;
  let events: string;
  // what this file's commands ran on client-sync (other files run commands on the shared lab too)
  let ran: ReturnType<typeof logSince>;

  beforeAll(async () => {
    ran = logSince(`${inject('lab').dir}/hosts/client-sync/commands.log`);
    fake = await startFakeSlack();
    labops = await startTestLabops({
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
    });
    events = `http://127.0.0.1:${labops.httpPort}/slack/events`;
  });
  afterAll(async () => {
    await labops?.close();
    await fake?.close();
  });

  const slash = (text: string, opts = {}) =>
    postSlashCommand(
      events,
      SECRET,
      { text, response_url: fake.responseUrl({ channel: SLACK_IDS.channelId }) },
      opts,
    );

  it('answers /healthz once Redis and the queue are ready', async () => {
    const res = await fetch(`http://127.0.0.1:${labops.httpPort}/healthz`);
    expect(res.status).toBe(200);
  });

  it('posts "checking", fills the message in, ends with one line per host worst first, tables in the thread', async () => {
    fake.reset();
    const res = await slash('ntp status');
    expect(res.status).toBe(200);

    const first = await fake.waitFor('chat.postMessage', 5000);
    expect(first.args.text).toMatch(/checking 12 hosts/);
    const final = await fake.waitFor(
      (c) => c.method === 'chat.update' && isSummary(c.args.text as string),
      20_000,
    );
    const ts = first.args.ts ?? fake.messages(SLACK_IDS.channelId)[0]?.ts;
    const message = fake.messages(SLACK_IDS.channelId).find((m) => m.ts === (final.args.ts as string));
    expect(message).toBeDefined();
    const text = message?.text ?? '';
    // the same message filled in host by host before the summary
    expect(
      message?.history.some((h) => /Checking 12 hosts \(all hosts\)… \d+\/12 done/.test(h.text ?? '')),
    ).toBe(true);
    expect(text).toMatch(/4 in sync, 1 drifting, 1 not synchronised, 6 errors/);

    const line = (host: string) => text.split('\n').find((l) => l.includes(` ${host}:`)) ?? '';
    expect(line('client-sync')).toMatch(
      re(String.raw`in sync, \^\* NET\.[12] \(stratum 3\), offset [\d.]+ (ns|µs|ms) (fast|slow), reach \d+`),
    );
    expect(line('client-drift')).toMatch(/drifting, clock 3\.0 s slow of NTP time \(critical above 500 ms\)/);
    expect(line('client-unsync')).toMatch(/not synchronised: all 1 sources unreachable/);
    expect(line('client-down')).toMatch(/chronyd down.*506 Cannot talk to daemon.*systemctl start chronyd/);
    expect(line('client-nochrony')).toMatch(/chronyc missing.*exit 127/);
    expect(line('client-off')).toMatch(
      re(String.raw`unreachable: connection refused \(NET\.10:2222\)\. Check that sshd runs`),
    );
    expect(line('client-silent')).toMatch(/unreachable \(timed out\).*did not answer within 2 s/);
    expect(line('client-badkey')).toMatch(/host key mismatch.*not connecting/);
    expect(line('client-authfail')).toMatch(
      re(String.raw`authentication failed: root@NET\.12:2222 refused the key`),
    );
    expect(line('ntp1')).toMatch(/in sync, serving local clock, stratum 3/);

    // worst first: every error line comes before the first ok line
    const order = text.split('\n').filter((l) => /^\S+ \S+: /.test(l));
    const lastError = Math.max(...order.map((l, i) => (l.startsWith('❌') ? i : -1)));
    const firstOk = order.findIndex((l) => l.startsWith('✅'));
    expect(lastError).toBeLessThan(firstOk);
    expect(order.findIndex((l) => l.includes('client-drift:'))).toBeLessThan(firstOk);

    // the raw chronyc sources tables, in the thread of that message
    expect(ts).toBeDefined();
    const thread = fake.thread(SLACK_IDS.channelId, final.args.ts as string);
    const threadText = thread.map((m) => m.text).join('\n');
    expect(threadText).toContain('MS Name/IP address         Stratum Poll Reach LastRx Last sample');
    expect(threadText).toMatch(re(String.raw`\^x NET\.3 .* -3000ms`));
  });

  it('gives the help, and short ephemeral errors for unknown commands and targets', async () => {
    fake.reset();
    await slash('help');
    const help = await fake.waitFor('response_url');
    expect(help.args.response_type).toBe('ephemeral');
    expect(help.args.text).toContain('/lab ntp status [all|<group>|<host>]');

    await slash('reboot the lab');
    const unknown = await fake.waitFor(
      (c) => c.method === 'response_url' && /Unknown command/.test(String(c.args.text)),
    );
    expect(unknown.args.text).toContain('/lab ntp status');

    await slash('ntp status nosuchhost');
    const target = await fake.waitFor(
      (c) => c.method === 'response_url' && /Unknown target/.test(String(c.args.text)),
    );
    expect(target.args.text).toMatch(/ntp_clients.*ntp_servers/);

    await slash('ntp status $(reboot)');
    const hostile = await fake.waitFor(
      (c) => c.method === 'response_url' && /not a valid target/.test(String(c.args.text)),
    );
    expect(hostile.args.response_type).toBe('ephemeral');
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0); // nothing was started
  });

  it('checks one group or one host', async () => {
    fake.reset();
    await slash('ntp status ntp_servers');
    const final = await fake.waitFor(
      (c) => c.method === 'chat.update' && isSummary(c.args.text as string),
      15_000,
    );
    expect(final.args.text).toMatch(/NTP status of group ntp_servers: 3 in sync/);

    fake.reset();
    await slash('ntp status client-drift');
    const one = await fake.waitFor(
      (c) => c.method === 'chat.update' && isSummary(c.args.text as string),
      15_000,
    );
    expect(one.args.text).toMatch(/NTP status of host client-drift: 1 drifting/);
  });

  it('refuses badly signed and stale requests, and starts nothing', async () => {
    fake.reset();
    expect((await slash('ntp status', { badSignature: true })).status).toBe(401);
    expect((await slash('ntp status', { unsigned: true })).status).toBe(401);
    expect((await slash('ntp status', { timestamp: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.calls.filter((c) => c.method !== 'auth.test').map((c) => [c.method, c.args.text])).toEqual(
      [],
    );
  });

  it('never sent anything but the fixed status command to a host', () => {
    const log = ran.read();
    expect(log.length).toBeGreaterThan(0);
    // the fixed command, or the fixed loop that runs it (the pool's long-lived status channel)
    const fixed = [NTP_STATUS_COMMAND, NTP_STATUS_REPEATING.loop].map((c) => c.replace(/\n/g, '\\n'));
    for (const line of log)
      expect(
        fixed.some((f) => line.endsWith(f)),
        line.slice(0, 120),
      ).toBe(true);
  });
});
