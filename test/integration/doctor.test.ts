// `npm run doctor` on the simulated lab's failure states: its own lab (with the NTP admin hosts, one of which may
// not sudo, and a controller), a known_hosts copy missing one host, a Redis that is down and a fake Slack that
// lacks scopes or the channel. Read-only: the known_hosts file is left as it was.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { doctorMain } from '../../src/doctor/doctor-main.js';
import { blocks, type Finding } from '../../src/doctor/finding.js';
import { renderDoctor } from '../../src/doctor/render-doctor.js';
import { runDoctor } from '../../src/doctor/run-doctor.js';
import { entryMatches, parseKnownHosts } from '../../src/ssh/known-hosts.js';
import { type Lab, startLab } from '../lab/index.js';
import { freePort } from '../lab/redis.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';

const dir = join(tmpdir(), 'labops-doctor-test-lab');
const NET = '127.0.156';
const MANIFEST = 'slack-app-manifest.yml';
let lab: Lab;
let slack: FakeSlack;
let knownHosts: string; // the lab's known_hosts without client-drift's key

beforeAll(async () => {
  lab = await startLab({ dir, net: NET, ntpAdmin: true, controller: { authUrl: 'http://127.0.0.1:9/v3' } });
  slack = await startFakeSlack({ scopes: ['commands', 'chat:write'] });
  knownHosts = join(dir, 'known_hosts-without-drift');
  const drift = lab.hosts.find((h) => h.name === 'client-drift');
  const keep = readFileSync(lab.knownHostsPath, 'utf8')
    .split('\n')
    .filter((l) => !parseKnownHosts(l).some((e) => entryMatches(e, `[${drift?.address}]:${drift?.port}`)));
  writeFileSync(knownHosts, keep.join('\n'));
}, 90_000);

afterAll(async () => {
  await slack?.close();
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const row = (found: Finding[], subject: string, check: string) =>
  found.find((f) => f.subject === subject && f.check === check);

describe('npm run doctor', () => {
  it('finds every host problem of the lab, with a fix for each, and adds no key', async () => {
    const before = readFileSync(knownHosts, 'utf8');
    const config = loadConfig({
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`, // nothing listens: Redis down
      LAB_INVENTORY: lab.inventoryPath,
      LAB_KNOWN_HOSTS: knownHosts,
      SLACK_BOT_TOKEN: 'xoxb-fake-bot-token',
      SLACK_SIGNING_SECRET: 'fake-signing-secret',
      SLACK_API_URL: slack.apiUrl,
      LAB_ALERT_CHANNEL: 'C0ALERTS',
    });
    slack.failNext('conversations.info', { error: 'not_in_channel' });
    const found = await runDoctor(config, { manifestPath: MANIFEST, stepMs: 2000 });
    const table = renderDoctor(found);
    if (process.env.LABOPS_TEST_LOG === '1') console.log(table);

    for (const check of ['known_hosts', 'TCP', 'host key', 'login', 'chronyc'])
      expect(row(found, 'client-sync', check)?.verdict, check).toBe('ok');
    const unknown = row(found, 'client-drift', 'known_hosts');
    expect(unknown?.verdict).toBe('fail');
    expect(unknown?.fix).toMatch(/ssh-keyscan -p 2222 -t ed25519 127\.0\.156\.5 .*ssh-keygen -lf/);
    expect(row(found, 'client-drift', 'login')).toBeUndefined(); // never connects to a host it cannot verify
    expect(row(found, 'client-badkey', 'host key')).toMatchObject({ verdict: 'fail', detail: /differs/ });
    expect(row(found, 'client-authfail', 'login')).toMatchObject({ verdict: 'fail', fix: /authorized_keys/ });
    expect(row(found, 'client-nochrony', 'chronyc')).toMatchObject({
      verdict: 'fail',
      fix: /Install chrony/,
    });
    expect(row(found, 'client-off', 'TCP')).toMatchObject({ verdict: 'fail', detail: /connection refused/ });
    expect(row(found, 'client-silent', 'SSH')?.verdict).toBe('fail');
    expect(row(found, 'controller', 'keystonerc_admin')?.verdict).toBe('ok');
    expect(row(found, 'controller', 'openstack CLI')?.verdict).toBe('ok');
    expect(row(found, 'redis', 'reachable')).toMatchObject({ verdict: 'fail', fix: /REDIS_URL/ });
    expect(row(found, 'slack', 'token')?.verdict).toBe('ok');
    expect(row(found, 'slack', 'HTTP mode')).toMatchObject({ verdict: 'ok', detail: /\/slack\/events/ });
    expect(row(found, 'slack', 'scopes')).toMatchObject({
      verdict: 'fail',
      detail: 'missing chat:write.public, files:write',
    });
    expect(row(found, 'slack', 'alert channel')).toMatchObject({ verdict: 'fail', fix: /\/invite @labops/ });
    expect(found.filter((f) => f.verdict !== 'ok').every((f) => f.fix)).toBe(true);
    expect(blocks(found)).toBe(true);
    expect(table).toMatch(/problems block labops/);
    expect(readFileSync(knownHosts, 'utf8')).toBe(before);
  }, 60_000);

  it('sees a login whose sudo -n wants a password where ansible_become is set; a Slack without channels:read is a warning', async () => {
    const admin = lab.ntpAdmin;
    if (!admin) throw new Error('the lab has no NTP admin hosts');
    const config = loadConfig({
      REDIS_URL: inject('redisUrl'),
      LAB_INVENTORY: admin.inventoryPath,
      LAB_KNOWN_HOSTS: lab.knownHostsPath,
      SLACK_BOT_TOKEN: 'xoxb-fake-bot-token',
      SLACK_SIGNING_SECRET: 'fake-signing-secret',
      SLACK_API_URL: slack.apiUrl,
      LAB_ALERT_CHANNEL: 'C0ALERTS',
    });
    slack.failNext('conversations.info', { error: 'missing_scope' });
    const found = await runDoctor(config, { manifestPath: MANIFEST, stepMs: 2000 });
    expect(row(found, 'adm-nosudo', 'sudo -n')).toMatchObject({
      verdict: 'fail',
      detail: /a password is required/,
    });
    expect(row(found, 'adm-nosudo', 'sudo -n')?.fix).toMatch(/NOPASSWD/);
    expect(row(found, 'redis', 'version')?.verdict).toBe('ok');
    expect(row(found, 'slack', 'alert channel')).toMatchObject({ verdict: 'warn', fix: /channels:read/ });
  }, 60_000);

  it('in Socket Mode checks that the app token opens connections; in HTTP mode says what Slack must reach', async () => {
    const env = {
      REDIS_URL: inject('redisUrl'),
      LAB_INVENTORY: lab.inventoryPath,
      LAB_KNOWN_HOSTS: lab.knownHostsPath,
      SLACK_BOT_TOKEN: 'xoxb-fake-bot-token',
      SLACK_API_URL: slack.apiUrl,
    };
    const wrong = await runDoctor(loadConfig({ ...env, SLACK_APP_TOKEN: 'xapp-not-this-one' }), {
      manifestPath: MANIFEST,
      stepMs: 2000,
    });
    expect(row(wrong, 'slack', 'Socket Mode')).toMatchObject({
      verdict: 'fail',
      detail: /invalid_auth/,
      fix: /connections:write/,
    });
    const right = await runDoctor(loadConfig({ ...env, SLACK_APP_TOKEN: 'xapp-fake-app-token' }), {
      manifestPath: MANIFEST,
      stepMs: 2000,
    });
    expect(row(right, 'slack', 'Socket Mode')?.verdict).toBe('ok');
  }, 60_000);

  it('exits 0 when nothing blocks, and 1 with a config that does not parse', async () => {
    const good = lab.hosts.filter((h) => ['ntp1', 'client-sync'].includes(h.name));
    const inventory = join(dir, 'inventory-good.yml');
    writeFileSync(
      inventory,
      stringify({
        all: {
          vars: { ansible_user: 'root', ansible_port: 2222, ansible_ssh_private_key_file: lab.keyPath },
          hosts: Object.fromEntries(good.map((h) => [h.name, { ansible_host: h.address }])),
        },
      }),
    );
    let out = '';
    const env = {
      REDIS_URL: inject('redisUrl'),
      LAB_INVENTORY: inventory,
      LAB_KNOWN_HOSTS: lab.knownHostsPath,
    };
    expect(
      await doctorMain(
        () => loadConfig(env),
        (t) => (out += t),
        MANIFEST,
      ),
    ).toBe(0);
    expect(out).toMatch(/checks: all good\./);
    out = '';
    expect(
      await doctorMain(
        () => loadConfig({ ...env, PORT: 'http' }),
        (t) => (out += t),
        MANIFEST,
      ),
    ).toBe(1);
    expect(out).toMatch(/❌ config .*PORT: /);
  }, 60_000);
});
