// npm run doctor (and /lab doctor, the same runDoctor) with a LAB_POLICY that grants a role to a user group: the
// token must have usergroups:read, which the manifest leaves out for everyone else. A fake Slack that lists the
// token's scopes in x-oauth-scopes as Slack does; a one-host lab of the shared lab.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { runDoctor } from '../../src/doctor/run-doctor.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';

const DIR = join(tmpdir(), `labops-doctor-groups-${process.pid}`);
const MANIFEST = new URL('../../slack-app-manifest.yml', import.meta.url).pathname;
const MANIFEST_SCOPES = ['commands', 'chat:write', 'chat:write.public', 'files:write'];
const fakes: FakeSlack[] = [];

beforeAll(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const main = parse(readFileSync(inject('lab').inventoryPath, 'utf8'));
  main.all.children = { ntp_servers: { hosts: { ntp1: main.all.children.ntp_servers.hosts.ntp1 } } };
  writeFileSync(join(DIR, 'alpha.yml'), stringify(main));
});
afterAll(async () => {
  for (const fake of fakes) await fake.close();
  rmSync(DIR, { recursive: true, force: true });
});

/** The doctor's findings for a policy (its lab's operators: `operators`) against a token with these scopes. */
async function doctor(operators: string[], scopes: string[]) {
  const slack = await startFakeSlack({ scopes });
  fakes.push(slack);
  const policy = join(DIR, `policy-${fakes.length}.yml`);
  writeFileSync(
    policy,
    stringify({
      labs: {
        alpha: { inventory: join(DIR, 'alpha.yml'), channels: ['CDOCALPHA'], roles: { operator: operators } },
      },
      roles: { admin: ['UDOCADMIN'] },
    }),
  );
  const config = loadConfig({
    REDIS_URL: inject('redisUrl'),
    LAB_POLICY: policy,
    LAB_KNOWN_HOSTS: inject('lab').knownHostsPath,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: 'labops-test-signing-secret',
    SLACK_API_URL: slack.apiUrl,
  });
  const found = await runDoctor(config, { manifestPath: MANIFEST, stepMs: 2000 });
  return {
    row: (check: string) => found.find((f) => f.subject === 'slack' && f.check === check),
  };
}

describe('the doctor and usergroups:read under LAB_POLICY', () => {
  it('a policy naming a group, a token without usergroups:read: a failing row that names the group and says what to do', async () => {
    const { row } = await doctor(['S0789OPS', 'UDOCOPER1'], MANIFEST_SCOPES);
    expect(row('scopes')).toMatchObject({ verdict: 'ok' }); // the manifest's scopes are all there
    expect(row('user groups')).toEqual({
      verdict: 'fail',
      subject: 'slack',
      check: 'user groups',
      detail:
        'LAB_POLICY grants roles to user group S0789OPS, but the token lacks usergroups:read: their members get no role from them',
      fix: 'Add usergroups:read under OAuth & Permissions (or uncomment it in slack-app-manifest.yml and update the app from it), then reinstall the app to the workspace; or name the users (U…) in LAB_POLICY instead of the groups.',
    });
  });

  it('the token has usergroups:read: the row is ok', async () => {
    const { row } = await doctor(['S0789OPS'], [...MANIFEST_SCOPES, 'usergroups:read']);
    expect(row('user groups')).toMatchObject({
      verdict: 'ok',
      detail: 'LAB_POLICY grants roles to user group S0789OPS; the token has usergroups:read',
    });
  });

  it('a policy naming users only: no user-group row, and usergroups:read is not asked for', async () => {
    const { row } = await doctor(['UDOCOPER1'], MANIFEST_SCOPES);
    expect(row('user groups')).toBeUndefined();
    expect(row('scopes')).toMatchObject({ verdict: 'ok', detail: MANIFEST_SCOPES.join(', ') });
  });

  it("checks each lab's alert_channel (LAB_ALERT_CHANNEL is not used under a policy): in it, or not and what to do", async () => {
    const slack = await startFakeSlack({
      scopes: MANIFEST_SCOPES,
      channels: { GALERTBETA: { is_member: false, is_private: true, name: 'beta-alerts' } },
    });
    fakes.push(slack);
    const policy = join(DIR, 'policy-alerts.yml');
    const lab = (channel: string, alert: string) => ({
      inventory: join(DIR, 'alpha.yml'),
      channels: [channel],
      alert_channel: alert,
    });
    writeFileSync(
      policy,
      stringify({
        labs: { alpha: lab('CDOCALPHA', 'CALERTALPHA'), beta: lab('CDOCBETA', 'GALERTBETA') },
        roles: { admin: ['UDOCADMIN'] },
      }),
    );
    const config = loadConfig({
      REDIS_URL: inject('redisUrl'),
      LAB_POLICY: policy,
      LAB_ALERT_CHANNEL: 'CNOTUSED',
      LAB_KNOWN_HOSTS: inject('lab').knownHostsPath,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: 'labops-test-signing-secret',
      SLACK_API_URL: slack.apiUrl,
    });
    const found = await runDoctor(config, { manifestPath: MANIFEST, stepMs: 2000 });
    const rows = found.filter((f) => f.subject === 'slack' && /^alert channel/.test(f.check));
    expect(rows.map((r) => r.check)).toEqual(['alert channel (lab alpha)', 'alert channel (lab beta)']);
    expect(rows[0]).toMatchObject({ verdict: 'ok', detail: 'member of channel-calertalpha' });
    expect(rows[1]).toMatchObject({
      verdict: 'fail',
      detail: 'not a member of beta-alerts',
      fix: 'Invite the bot: /invite @labops in GALERTBETA.',
    });
    const asked = slack.callsTo('conversations.info').map((c) => c.args.channel);
    expect(asked).not.toContain('CNOTUSED');
  });
});
