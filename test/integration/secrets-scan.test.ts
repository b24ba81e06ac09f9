import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../lab/index.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { SLACK_IDS } from '../support/slack-request.js';
import { startTestLabops, type TestLabops } from './start-labops.js';

const SIGNING_SECRET = 'scan-signing-secret-5d1f7a9c';
const DASHBOARD_PASSWORD = 'dashboard-pw-3c8e1b55aa';
const ADMIN = SLACK_IDS.userId;

/**
 * Runs an ntp status and a plan -> Confirm -> apply flow in Socket Mode with debug logs captured, then looks for
 * secrets in every Web API call, response_url POST and log line: tokens, signing secret, key material, passwords.
 */
describe('no secret reaches Slack or the logs', () => {
  let lab: Lab;
  let fake: FakeSlack;
  let labops: TestLabops;
  const logLines: string[] = [];

  beforeAll(async () => {
    // a lab of its own: ntp setup changes hosts, which the shared lab's other tests must not see
    lab = await startLab({ dir: join(tmpdir(), 'labops-secrets-lab'), net: '127.0.47' });
    fake = await startFakeSlack();
    labops = await startTestLabops(
      {
        SLACK_BOT_TOKEN: fake.botToken,
        SLACK_APP_TOKEN: fake.appToken,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: fake.apiUrl,
        LAB_INVENTORY: lab.inventoryPath,
        LAB_KNOWN_HOSTS: lab.knownHostsPath,
        LAB_ADMINS: ADMIN,
        LAB_DASHBOARD_USER: 'ops',
        LAB_DASHBOARD_PASSWORD: DASHBOARD_PASSWORD,
        LOG_LEVEL: 'debug',
      },
      'all',
      { log: { write: (line: string) => logLines.push(line) } },
    );
    await fake.socketConnected();
  });
  afterAll(async () => {
    await labops?.close();
    await fake?.socketsClosed().catch(() => undefined);
    await fake?.close();
    await lab?.stop();
  });

  const finalOf = (ts: string, re: RegExp, ms = 30_000) =>
    fake.waitFor((c) => c.method === 'chat.update' && c.args.ts === ts && re.test(String(c.args.text)), ms);

  it('runs the flows', async () => {
    await fake.pushSlashCommand({ text: 'ntp status' });
    const status = await fake.waitFor('chat.postMessage', 5000);
    const statusTs = fake.messages(SLACK_IDS.channelId)[0]?.ts as string;
    expect(status.ok).toBe(true);
    await finalOf(statusTs, /^NTP status of all hosts/);

    await fake.pushSlashCommand({ text: 'ntp setup client-sync', user_id: ADMIN });
    const withButtons = await fake.waitFor(
      (c) => c.method === 'chat.update' && JSON.stringify(c.args.blocks ?? []).includes('labops_confirm'),
      30_000,
    );
    const planId = JSON.stringify(withButtons.args.blocks).match(/"value":"([0-9a-f-]{36})"/)?.[1];
    expect(planId).toBeDefined();
    await fake.pushInteraction({
      user_id: ADMIN,
      message_ts: String(withButtons.args.ts),
      actions: [{ action_id: 'labops_confirm', value: planId }],
    });
    const running = await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' && /Running `\/lab ntp setup client-sync`/.test(String(c.args.text)),
      5000,
    );
    expect(running.ok).toBe(true);
    const runningTs = fake.messages(SLACK_IDS.channelId).find((m) => /^⏳ Running/.test(m.text ?? ''))
      ?.ts as string;
    await fake.waitFor((c) => c.method === 'chat.update' && c.args.ts === runningTs, 60_000);
    await fake.pushSlashCommand({ text: 'history 5' });
    await fake.waitFor('response_url', 5000);
  }, 120_000);

  it('finds no token, signing secret, key material or password in any Slack call or log line', () => {
    const key = readFileSync(lab.keyPath, 'utf8');
    const keyBody = key.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----'));
    const secrets: Record<string, string> = {
      'bot token': fake.botToken,
      'app token': fake.appToken,
      'signing secret': SIGNING_SECRET,
      'dashboard password': DASHBOARD_PASSWORD,
      ...Object.fromEntries(keyBody.map((l, i) => [`private key line ${i + 1}`, l])),
    };
    // what Slack received: the arguments of every call (the Authorization header is where a token belongs)
    const sent = fake.calls.map((c) => ({ where: `slack ${c.method}`, text: JSON.stringify(c.args) }));
    const logged = logLines.map((l, i) => ({ where: `log line ${i + 1}`, text: l }));
    expect(sent.length).toBeGreaterThan(10);
    expect(logged.length).toBeGreaterThan(20);
    expect(logLines.some((l) => /"level":20/.test(l))).toBe(true); // debug lines were captured

    const scan = (items: { where: string; text: string }[]) => {
      const found: string[] = [];
      for (const { where, text } of items) {
        for (const [what, value] of Object.entries(secrets))
          if (text.includes(value)) found.push(`${what} in ${where}`);
        if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) found.push(`private key header in ${where}`);
        if (/\bxox[abposr]-[A-Za-z0-9-]{6,}/.test(text)) found.push(`Slack token in ${where}`);
        if (/\bxapp-[A-Za-z0-9-]{6,}/.test(text)) found.push(`app token in ${where}`);
        const pw = /"?(password|passwd|secret|token)"?\s*[:=]\s*"?([^"\s,}]{6,})/gi;
        for (const m of text.matchAll(pw))
          if (m[2] !== '[redacted]') found.push(`${m[1]}=${m[2]} in ${where}`);
      }
      return found;
    };
    // the scan itself finds what it looks for
    expect(
      scan([
        { where: 'planted', text: `{"auth":"Bearer ${fake.botToken}"}` },
        { where: 'planted', text: key },
        { where: 'planted', text: '{"password":"hunter2hunter2"}' },
      ]),
    ).toEqual(
      expect.arrayContaining([
        'bot token in planted',
        'Slack token in planted',
        'private key header in planted',
        'private key line 1 in planted',
        'password=hunter2hunter2 in planted',
      ]),
    );
    expect(scan([...sent, ...logged])).toEqual([]);
  });
});
