// LAB_POLICY (issue 15): two labs on a simulated lab of this file's own (127.0.211: alpha = three of its NTP hosts,
// beta = its NTP administration hosts), two channels bound to them and a third bound to none, users in each role and
// a user group (usergroups.users.list on the fake Slack). Real labops in HTTP mode, real Redis, real sshd/chronyd.

import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { runDoctor } from '../../src/doctor/run-doctor.js';
import { type Lab, startLab } from '../lab/index.js';
import { freePort } from '../lab/redis.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { startFakeSlack } from '../support/fake-slack.js';
import { until } from '../support/local-processes.js';
import { logSince } from '../support/log-since.js';
import { postInteraction, postSlackRequest, postSlashCommand } from '../support/slack-request.js';
import { spawnLabops } from './spawn-labops.js';
import { type SlackLabops, startSlackLabops, startTestLabops } from './start-labops.js';

const NET = '127.0.211';
const DIR = join(tmpdir(), `labops-policy-${NET}`);
const ALPHA = 'CALPHA001';
const BETA = 'CBETA0001';
const ELSEWHERE = 'COTHER001';
const DM = 'D0DIRECT1';
const ALPHA_ALERTS = 'CALPHAALR';
const BETA_ALERTS = 'CBETAALRT';
const GAMMA_ALERTS = 'CGAMMAALR';
/** Users: a stranger, a viewer everywhere, an operator of alpha, an operator of beta by user group, two admins. */
const U = {
  stranger: 'USTRANGE1',
  viewer: 'UVIEWER01',
  operA: 'UOPERALPH',
  operB: 'UGROUPOP1',
  admin1: 'UADMIN001',
  admin2: 'UADMIN002',
  envAdmin: 'UENVADMIN',
};
const ALPHA_HOSTS = ['ntp1', 'ntp2', 'client-sync'];
const BETA_HOSTS = ['adm-server1', 'adm-server2', 'adm-client1', 'adm-client2'];

let lab: Lab;
let labops: SlackLabops;
let policyPath: string;
const logLines: string[] = [];

function policyText(alphaViewer: string[] = []): string {
  return stringify({
    labs: {
      alpha: {
        inventory: join(DIR, 'alpha.yml'),
        known_hosts: lab.knownHostsPath,
        channels: [ALPHA],
        roles: { operator: [U.operA, ...alphaViewer] },
      },
      beta: {
        inventory: join(DIR, 'beta.yml'),
        known_hosts: join(DIR, 'beta_known_hosts'),
        ssh_key: lab.keyPath,
        channels: [BETA],
        roles: { operator: ['SOPSBETA1'] },
      },
    },
    roles: { viewer: [U.viewer], admin: [U.admin1, U.admin2] },
    default_role: 'none',
    commands: { 'ntp alerts': 'operator' },
    approvals: { 'ntp setup': 2 },
  });
}

/** alpha: three of the lab's NTP hosts, as the lab's inventory writes them. */
function writeInventories() {
  const main = parse(readFileSync(lab.inventoryPath, 'utf8'));
  const servers = main.all.children.ntp_servers.hosts;
  const clients = main.all.children.ntp_clients.hosts;
  const alpha = {
    all: {
      vars: main.all.vars,
      children: {
        ntp_servers: { hosts: { ntp1: servers.ntp1, ntp2: servers.ntp2 } },
        ntp_clients: { hosts: { 'client-sync': clients['client-sync'] } },
      },
    },
  };
  writeFileSync(join(DIR, 'alpha.yml'), stringify(alpha));
  // beta: the administration hosts without their key variable: the policy's ssh_key must reach them
  const admin = parse(readFileSync(lab.ntpAdmin?.inventoryPath ?? '', 'utf8'));
  delete admin.all.vars.ansible_ssh_private_key_file;
  admin.all.children.ntp_clients.hosts = Object.fromEntries(
    Object.entries(admin.all.children.ntp_clients.hosts).filter(([h]) => BETA_HOSTS.includes(h)),
  );
  admin.all.children.ntp_servers.hosts = Object.fromEntries(
    Object.entries(admin.all.children.ntp_servers.hosts).filter(([h]) => BETA_HOSTS.includes(h)),
  );
  writeFileSync(join(DIR, 'beta.yml'), stringify(admin));
  copyFileSync(lab.knownHostsPath, join(DIR, 'beta_known_hosts'));
  // the environment's known_hosts knows no host: each lab's own file must be the one used
  writeFileSync(join(DIR, 'empty_known_hosts'), '');
}

beforeAll(async () => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  lab = await startLab({ dir: join(DIR, 'lab'), net: NET, ntpAdmin: true });
  writeInventories();
  policyPath = join(DIR, 'policy.yml');
  writeFileSync(policyPath, policyText());
  labops = await startSlackLabops(
    {
      LAB_POLICY: policyPath,
      LAB_ADMINS: U.envAdmin,
      LAB_INVENTORY: join(DIR, 'no-such-inventory.yml'), // not read when the policy names labs
      LAB_KNOWN_HOSTS: join(DIR, 'empty_known_hosts'),
      LOG_LEVEL: 'info',
    },
    'all',
    { log: { write: (line: string) => logLines.push(line) } },
  );
  labops.slack.setUserGroup('SOPSBETA1', [U.operB]);
}, 120_000);

afterAll(async () => {
  await labops?.close();
  await lab?.stop();
});

/** `/lab <text>` typed by user in channel; resolves with labops' ephemeral answer. */
async function ask(channel: string, text: string, user: string): Promise<string> {
  const responseUrl = labops.slack.responseUrl({ channel, user });
  const ack = await postSlashCommand(labops.events, labops.secret, {
    text,
    user_id: user,
    channel_id: channel,
    response_url: responseUrl,
  });
  expect(ack.status).toBe(200);
  const path = new URL(responseUrl).pathname;
  const answer = await labops.slack.waitFor((c) => c.method === 'response_url' && c.path === path, 10_000);
  return String(answer.args.text);
}

/** `/lab <text>` that starts a job: the channel's first message about it, then the message matching `done`. */
async function run(channel: string, text: string, user: string, done: RegExp): Promise<RecordedCall> {
  const before = labops.slack.calls.length;
  const ack = await postSlashCommand(labops.events, labops.secret, {
    text,
    user_id: user,
    channel_id: channel,
    response_url: labops.slack.responseUrl({ channel, user }),
  });
  expect(ack.status).toBe(200);
  return labops.slack.waitFor(
    (c) =>
      labops.slack.calls.indexOf(c) >= before &&
      (c.method === 'chat.update' || c.method === 'chat.postMessage') &&
      c.args.channel === channel &&
      done.test(String(c.args.text)),
    60_000,
  );
}

const refusedText = (command: string, needed: string, has: string, labName: string) =>
  new RegExp(
    `^\`/lab ${command}\` needs the ${needed} role in lab \\*${labName}\\*; you have ${has === 'none' ? 'no role' : `the ${has} role`} there\\. Ask an admin of lab ${labName} \\(<@${U.envAdmin}>, <@${U.admin1}>, <@${U.admin2}>\\) if you need it\\.$`,
  );

describe('channels bound to labs', () => {
  it('a channel bound to no lab, or a DM, is told which channels serve which labs, and the refusal is audited', async () => {
    for (const channel of [ELSEWHERE, DM]) {
      const text = await ask(channel, 'ntp status', U.admin1);
      expect(text).toMatch(/^This channel serves no lab, so nothing was run\./);
      expect(text).toContain(`• lab *alpha*: <#${ALPHA}>`);
      expect(text).toContain(`• lab *beta*: <#${BETA}>`);
    }
    const redis = new Redis(inject('redisUrl'));
    const rows = await redis.xrange(`${labops.prefix}:audit`, '-', '+');
    await redis.quit();
    const entries = rows.map(([, f]) =>
      Object.fromEntries(f.flatMap((v, i) => (i % 2 ? [] : [[v, f[i + 1]]]))),
    );
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          channel: DM,
          kind: 'refusal',
          outcome: 'refused: channel bound to no lab',
        }),
        expect.objectContaining({ channel: ELSEWHERE, kind: 'refusal', user: U.admin1 }),
      ]),
    );
  });
});

describe('roles', () => {
  // viewer: /lab history; operator: /lab ntp alerts (the policy's commands:), /lab ntp setup; admin: /lab ntp
  // unsilence, /lab deploy openstack
  const commands = [
    { text: 'history 5', words: 'history', needs: 'viewer', answered: /^\*?Audit trail|^The audit trail/ },
    { text: 'ntp alerts', words: 'ntp alerts', needs: 'operator', answered: /No open alerts|Open alerts \(/ },
    { text: 'ntp unsilence ntp1', words: 'ntp unsilence', needs: 'admin', answered: /^No silence on `ntp1`/ },
    // changes: past the gate, a target the lab does not have is the answer (nothing is started)
    {
      text: 'ntp setup nosuchhost',
      words: 'ntp setup',
      needs: 'operator',
      answered: /^Unknown target `nosuchhost`/,
    },
    {
      text: 'deploy openstack',
      words: 'deploy openstack',
      needs: 'admin',
      answered: /^Unknown target `openstack_controllers`/,
    },
  ];
  const order = ['none', 'viewer', 'operator', 'admin'];
  const cases: Array<[string, string, string, string]> = [
    // lab, channel, user, the user's role there
    ['alpha', ALPHA, U.stranger, 'none'],
    ['alpha', ALPHA, U.viewer, 'viewer'],
    ['alpha', ALPHA, U.operA, 'operator'],
    ['alpha', ALPHA, U.operB, 'none'],
    ['alpha', ALPHA, U.admin1, 'admin'],
    ['alpha', ALPHA, U.envAdmin, 'admin'],
    ['beta', BETA, U.stranger, 'none'],
    ['beta', BETA, U.viewer, 'viewer'],
    ['beta', BETA, U.operA, 'none'],
    ['beta', BETA, U.operB, 'operator'],
    ['beta', BETA, U.admin2, 'admin'],
  ];

  it.each(cases)(
    'in %s (%s) %s, who has %s there: allowed and refused as the policy says',
    async (name, channel, user, role) => {
      for (const c of commands) {
        const text = await ask(channel, c.text, user);
        if (order.indexOf(role) >= order.indexOf(c.needs)) {
          expect(text, `${user} ${c.text}`).toMatch(c.answered);
          expect(text, `${user} ${c.text}`).not.toMatch(/needs the \w+ role/);
        } else {
          expect(text, `${user} ${c.text}`).toMatch(refusedText(c.words, c.needs, role, name));
        }
      }
    },
  );

  it('/lab help lists what the user may run there; someone with no role is told whom to ask', async () => {
    const viewer = await ask(ALPHA, 'help', U.viewer);
    expect(viewer).toMatch(/hosts of lab \*alpha\*.*You have the viewer role in this lab/);
    expect(viewer).toContain('`/lab history [n]`');
    expect(viewer).toContain('`/lab ntp status');
    expect(viewer).not.toContain('`/lab ntp alerts`');
    expect(viewer).not.toContain('`/lab ntp setup');
    expect(viewer).not.toContain('`/lab deploy openstack');
    const operator = await ask(BETA, 'help', U.operB);
    expect(operator).toContain('`/lab ntp alerts`');
    expect(operator).toContain('`/lab ntp setup');
    expect(operator).not.toContain('`/lab deploy openstack');
    expect(operator).not.toContain('`/lab ntp unsilence');
    const admin = await ask(BETA, 'help', U.admin1);
    expect(admin).toContain('`/lab deploy openstack');
    expect(admin).toContain('`/lab doctor');
    expect(await ask(ALPHA, 'help', U.stranger)).toMatch(refusedText('help', 'viewer', 'none', 'alpha'));
  });

  it("refusals are in the lab's own audit trail, not the other lab's", async () => {
    const alpha = await ask(ALPHA, 'history 100', U.admin1);
    expect(alpha).toMatch(
      new RegExp(`⛔ .* ${U.stranger} in ${ALPHA}: /lab ntp unsilence ntp1 → refused: needs admin, has none`),
    );
    expect(alpha).toMatch(
      new RegExp(`⛔ .* ${U.viewer} in ${ALPHA}: /lab ntp alerts → refused: needs operator, has viewer`),
    );
    expect(alpha).not.toContain(BETA);
    const beta = await ask(BETA, 'history 100', U.admin1);
    expect(beta).toMatch(
      new RegExp(`⛔ .* ${U.operA} in ${BETA}: /lab history 5 → refused: needs viewer, has none`),
    );
    expect(beta).not.toContain(ALPHA);
  });
});

describe('each lab runs on its own hosts', () => {
  it("/lab ntp status in alpha reaches alpha's hosts only, in beta beta's only; jobs and history per lab", async () => {
    const logs = (hosts: string[], path: (h: string) => string) =>
      Object.fromEntries(hosts.map((h) => [h, logSince(path(h))]));
    const alphaLogs = logs(ALPHA_HOSTS, (h) => lab.commandLogPath(h));
    const betaLogs = logs(BETA_HOSTS, (h) => lab.ntpAdmin?.commandLogPath(h) ?? '');
    const otherAlpha = logSince(lab.commandLogPath('client-drift')); // in the lab, in no policy lab

    const a = await run(ALPHA, 'ntp status', U.viewer, /^\*?NTP status of/);
    expect(String(a.args.text)).toMatch(/3 in sync/);
    for (const h of ALPHA_HOSTS) expect(alphaLogs[h]?.read().length, h).toBeGreaterThan(0);
    for (const h of BETA_HOSTS) expect(betaLogs[h]?.read(), h).toEqual([]);
    expect(otherAlpha.read()).toEqual([]);

    const b = await run(BETA, 'ntp status', U.operB, /^\*?NTP status of/);
    expect(String(b.args.text)).toMatch(/of all hosts|4 /);
    for (const h of BETA_HOSTS) expect(betaLogs[h]?.read().length, h).toBeGreaterThan(0);
    const alphaAfter = Object.fromEntries(ALPHA_HOSTS.map((h) => [h, alphaLogs[h]?.read().length]));
    // beta's job sent nothing more to alpha's hosts than alpha's own job did
    const c = await run(BETA, 'ntp status', U.operB, /^\*?NTP status of/);
    expect(c.args.channel).toBe(BETA);
    for (const h of ALPHA_HOSTS) expect(alphaLogs[h]?.read().length, h).toBe(alphaAfter[h]);

    const alphaJobs = await ask(ALPHA, 'jobs', U.viewer);
    const betaJobs = await ask(BETA, 'jobs', U.operB);
    expect(alphaJobs).toMatch(new RegExp(`/lab ntp status by ${U.viewer} on all hosts, completed`));
    expect(alphaJobs).not.toContain(U.operB);
    expect(betaJobs).toMatch(new RegExp(`/lab ntp status by ${U.operB} on all hosts, completed`));
    expect(betaJobs).not.toContain(U.viewer);
    const alphaHistory = await ask(ALPHA, 'history 100', U.admin1);
    expect(alphaHistory).toMatch(new RegExp(`${U.viewer} in ${ALPHA}: /lab ntp status → completed`));
    expect(alphaHistory).not.toMatch(new RegExp(`${U.operB} in ${BETA}: /lab ntp status`));
  });
});

describe('host locks per lab', () => {
  it("an operator's change; one lab's locks do not hold the same host name in another lab", async () => {
    const redis = new Redis(inject('redisUrl'));
    try {
      await redis.set(`${labops.prefix}:lab:beta:lock:host:client-sync`, 'apply-beta-job', 'PX', 60_000);
      // the plan of a change (read-only: nothing is confirmed), not refused as busy
      const planning = await run(
        ALPHA,
        'ntp setup client-sync',
        U.operA,
        /^📝 `\/lab ntp setup client-sync`/,
      );
      expect(String(planning.args.text)).toMatch(/looking at 1 host to plan the change/);
      await redis.set(`${labops.prefix}:lab:alpha:lock:host:client-sync`, 'apply-alpha-job', 'PX', 60_000);
      expect(await ask(ALPHA, 'ntp setup client-sync', U.operA)).toBe(
        'A change is already running on host client-sync (job apply-alpha-job). Wait for it to finish.',
      );
    } finally {
      await redis.del(
        `${labops.prefix}:lab:alpha:lock:host:client-sync`,
        `${labops.prefix}:lab:beta:lock:host:client-sync`,
      );
      await redis.quit();
    }
  });
});

describe('App Home', () => {
  const open = async (user: string) => {
    const event = {
      token: 'fake-verification-token',
      team_id: 'T0000TEST',
      api_app_id: 'A0000TEST',
      type: 'event_callback',
      event_id: `Ev0${user}`,
      event_time: Math.floor(Date.now() / 1000),
      event: {
        type: 'app_home_opened',
        user,
        channel: 'D0000HOME',
        tab: 'home',
        event_ts: `${Date.now() / 1000}`,
      },
    };
    const res = await postSlackRequest(labops.events, labops.secret, JSON.stringify(event), {
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    const publish = await labops.slack.waitFor(
      (c) => c.method === 'views.publish' && c.args.user_id === user,
      10_000,
    );
    return JSON.stringify(publish.args.view);
  };

  it('shows each lab the user has a role in, and only those', async () => {
    const viewer = await open(U.viewer);
    expect(viewer).toContain('labops: lab alpha at a glance');
    expect(viewer).toContain('labops: lab beta at a glance');
    const operA = await open(U.operA);
    expect(operA).toContain('labops: lab alpha at a glance');
    expect(operA).not.toContain('lab beta');
    expect(operA).toContain('client-sync');
    expect(operA).not.toContain('adm-client1');
    const operB = await open(U.operB);
    expect(operB).toContain('labops: lab beta at a glance');
    expect(operB).not.toContain('lab alpha at a glance');
    expect(await open(U.stranger)).toContain('You have no role in any lab labops serves');
  });
});

describe('two-person approval', () => {
  it("the plan says who may confirm; the requester's own Confirm is refused; a second admin's runs it and is named", async () => {
    const planned = await run(
      BETA,
      'ntp setup adm-server1',
      U.admin1,
      /^NTP setup plan for host adm-server1/,
    );
    const blocks = JSON.stringify(planned.args.blocks);
    expect(blocks).toContain(
      `Nothing changes until someone with the operator role in lab beta other than <@${U.admin1}> confirms (two-person approval).`,
    );
    const planId = (
      planned.args.blocks as { type: string; elements?: { action_id?: string; value?: string }[] }[]
    )
      .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
      .find((e) => e.action_id === 'labops_confirm')?.value;
    expect(planId).toBeDefined();
    const click = async (user: string) => {
      const responseUrl = labops.slack.responseUrl({ channel: BETA, user });
      const res = await postInteraction(labops.events, labops.secret, {
        user_id: user,
        channel_id: BETA,
        message_ts: String(planned.args.ts),
        response_url: responseUrl,
        actions: [{ action_id: 'labops_confirm', block_id: 'labops_plan', type: 'button', value: planId }],
      });
      expect(res.status).toBe(200);
      return responseUrl;
    };
    const own = new URL(await click(U.admin1)).pathname;
    const refused = await labops.slack.waitFor((c) => c.method === 'response_url' && c.path === own, 10_000);
    expect(String(refused.args.text)).toMatch(
      /^You asked for `\/lab ntp setup adm-server1`, and it takes two people: someone else with the operator role in lab beta must Confirm it\. The plan is still pending\./,
    );
    // someone without the role in beta cannot be the second person either
    const alphaOnly = new URL(await click(U.operA)).pathname;
    const low = await labops.slack.waitFor(
      (c) => c.method === 'response_url' && c.path === alphaOnly,
      10_000,
    );
    expect(String(low.args.text)).toMatch(
      /^Confirming `\/lab ntp setup adm-server1` needs the operator role in lab beta; you have no role there/,
    );

    const before = labops.slack.calls.length;
    await click(U.admin2);
    const done = await labops.slack.waitFor(
      (c) =>
        labops.slack.calls.indexOf(c) >= before &&
        c.method === 'chat.update' &&
        /^NTP setup of host adm-server1/.test(String(c.args.text)) &&
        String(c.args.text).includes('Approved by'),
      90_000,
    );
    expect(String(done.args.text)).toContain(`Approved by <@${U.admin2}>; requested by <@${U.admin1}>.`);
    // the worker took the host under beta's keys, as the Confirm did: nothing under the keys of no lab
    const redis = new Redis(inject('redisUrl'));
    try {
      expect(await redis.exists(`${labops.prefix}:lock:host:adm-server1`)).toBe(0);
    } finally {
      await redis.quit();
    }
    const trail = await ask(BETA, 'history 20', U.admin1);
    expect(trail).toMatch(
      new RegExp(
        `✅ .* ${U.admin2} in ${BETA}: /lab ntp setup adm-server1 → confirmed by @${U.admin2} \\(approver; requested by @${U.admin1}\\), queued`,
      ),
    );
    expect(trail).toMatch(
      new RegExp(
        `⛔ .* ${U.admin1} in ${BETA}: /lab ntp setup adm-server1 → refused: two-person approval, the requester cannot confirm their own change`,
      ),
    );
  });
});

describe('reloading the policy (SIGHUP)', () => {
  it('a valid file takes effect for new commands; an invalid one is refused with its reasons and the old one stays', async () => {
    expect(await ask(ALPHA, 'ntp alerts', U.viewer)).toMatch(
      refusedText('ntp alerts', 'operator', 'viewer', 'alpha'),
    );
    writeFileSync(policyPath, policyText([U.viewer]));
    expect(await labops.reload()).toEqual({ ok: true });
    expect(await ask(ALPHA, 'ntp alerts', U.viewer)).not.toMatch(/needs the operator role/);

    // a typo in a role's name: the whole file is refused
    writeFileSync(policyPath, policyText().replace('operator:', 'operater:'));
    const lines = logLines.length;
    expect(await labops.reload()).toEqual({ ok: false });
    const logged = logLines.slice(lines).join('\n');
    expect(logged).toMatch(/policy not reloaded, the old one stays/);
    expect(logged).toMatch(/labs\.alpha\.roles: Unrecognized key\(s\) in object: 'operater'/);
    // the old policy (the viewer an operator in alpha) still holds
    expect(await ask(ALPHA, 'ntp alerts', U.viewer)).not.toMatch(/needs the operator role/);
    writeFileSync(policyPath, policyText());
  });

  it('SIGHUP reloads the policy of a running labops process; a bad file is refused and the old one kept', async () => {
    const path = join(DIR, 'sighup-policy.yml');
    writeFileSync(path, policyText());
    const fake = await startFakeSlack();
    const secret = 'labops-sighup-signing-secret';
    const prefix = `labops-sighup-${randomUUID().slice(0, 8)}`;
    const proc = await spawnLabops('bot', await freePort(), {
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: secret,
      SLACK_API_URL: fake.apiUrl,
      LAB_POLICY: path,
      LAB_ADMINS: U.envAdmin,
      LAB_KNOWN_HOSTS: join(DIR, 'empty_known_hosts'),
      LAB_QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'info',
    });
    const askProc = async (text: string, user: string) => {
      const responseUrl = fake.responseUrl({ channel: ALPHA, user });
      const events = `http://127.0.0.1:${proc.port}/slack/events`;
      const fields = { text, user_id: user, channel_id: ALPHA, response_url: responseUrl };
      expect((await postSlashCommand(events, secret, fields)).status).toBe(200);
      const at = new URL(responseUrl).pathname;
      return String(
        (await fake.waitFor((c) => c.method === 'response_url' && c.path === at, 10_000)).args.text,
      );
    };
    try {
      expect(await askProc('ntp alerts', U.viewer)).toMatch(
        refusedText('ntp alerts', 'operator', 'viewer', 'alpha'),
      );
      writeFileSync(path, policyText([U.viewer]));
      proc.proc.kill('SIGHUP');
      expect(await until(() => /"msg":"policy reloaded"/.test(proc.output()), 20_000)).toBe(true);
      expect(await askProc('ntp alerts', U.viewer)).toMatch(/No open alerts/);
      writeFileSync(path, policyText().replace('operator:', 'operater:'));
      proc.proc.kill('SIGHUP');
      expect(await until(() => /policy not reloaded, the old one stays/.test(proc.output()), 20_000)).toBe(
        true,
      );
      expect(proc.output()).toMatch(/labs\.alpha\.roles: Unrecognized key\(s\) in object: 'operater'/);
      expect(proc.alive()).toBe(true);
      expect(await askProc('ntp alerts', U.viewer)).toMatch(/No open alerts/);
    } finally {
      await proc.stop();
      await fake.close();
      const redis = new Redis(inject('redisUrl'));
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
  });
});

describe('the console adapter', () => {
  it("--lab beta runs the commands on beta's hosts, its operator an admin there", async () => {
    const alphaLogs = ALPHA_HOSTS.map((h) => logSince(lab.commandLogPath(h)));
    const betaLog = logSince(lab.ntpAdmin?.commandLogPath('adm-client1') ?? '');
    const console = await startTestLabops(
      { LAB_POLICY: policyPath, LAB_KNOWN_HOSTS: join(DIR, 'empty_known_hosts') },
      'all',
      { lab: 'beta' },
    );
    try {
      console.stdin.end('/lab ntp status\n/lab ntp unsilence adm-client1\n');
      await console.consoleDone;
    } finally {
      await console.close();
    }
    const out = console.output();
    expect(out).toMatch(/NTP status of all hosts/);
    expect(out).toContain('adm-client1');
    expect(out).not.toContain('client-sync');
    expect(out).toMatch(/No silence on `adm-client1`/);
    expect(betaLog.read().length).toBeGreaterThan(0);
    for (const log of alphaLogs) expect(log.read()).toEqual([]);
  });

  it('refuses to start with a lab the policy does not have', async () => {
    await expect(
      startTestLabops({ LAB_POLICY: policyPath, LAB_KNOWN_HOSTS: join(DIR, 'empty_known_hosts') }, 'all', {
        lab: 'gamma',
      }),
    ).rejects.toThrow('--lab gamma: the policy has no such lab (labs: alpha, beta).');
  });
});

describe('each lab has its own drift watch', () => {
  let watching: SlackLabops;
  const hostsOf = (names: string[]) => {
    const main = parse(readFileSync(lab.inventoryPath, 'utf8'));
    const all = { ...main.all.children.ntp_servers.hosts, ...main.all.children.ntp_clients.hosts };
    return stringify({
      all: { vars: main.all.vars, hosts: Object.fromEntries(names.map((n) => [n, all[n]])) },
    });
  };

  beforeAll(async () => {
    writeFileSync(join(DIR, 'watch-alpha.yml'), hostsOf(['ntp1', 'client-drift']));
    writeFileSync(join(DIR, 'watch-beta.yml'), hostsOf(['ntp2', 'client-unsync']));
    const path = join(DIR, 'watch-policy.yml');
    const labEntry = (name: string, channel: string, alerts: string) => ({
      inventory: join(DIR, `watch-${name}.yml`),
      known_hosts: lab.knownHostsPath,
      channels: [channel],
      alert_channel: alerts,
    });
    writeFileSync(
      path,
      stringify({
        labs: { alpha: labEntry('alpha', ALPHA, ALPHA_ALERTS), beta: labEntry('beta', BETA, BETA_ALERTS) },
        roles: { admin: [U.admin1] },
      }),
    );
    watching = await startSlackLabops({
      LAB_POLICY: path,
      LAB_KNOWN_HOSTS: join(DIR, 'empty_known_hosts'),
      LAB_DRIFT_INTERVAL: '1',
      LAB_DRIFT_CONFIRM: '1',
    });
  });
  afterAll(async () => {
    await watching?.close();
  });

  it("posts each lab's alerts in its own channel, keeps its state under its own keys, and labels its metrics", async () => {
    const about = (channel: string, host: string) => (c: RecordedCall) =>
      c.method === 'chat.postMessage' &&
      c.args.channel === channel &&
      String(c.args.text).includes(`${host}:`);
    await watching.slack.waitFor(about(ALPHA_ALERTS, 'client-drift'), 30_000);
    await watching.slack.waitFor(about(BETA_ALERTS, 'client-unsync'), 30_000);
    const texts = (channel: string) =>
      watching.slack.messages(channel).map((m) => m.history[0]?.text ?? m.text ?? '');
    expect(texts(ALPHA_ALERTS).join('\n')).not.toMatch(/client-unsync|ntp2/);
    expect(texts(BETA_ALERTS).join('\n')).not.toMatch(/client-drift|ntp1/);

    const redis = new Redis(inject('redisUrl'));
    const counters = async (prefix: string) =>
      Number((await redis.hget(`${prefix}:drift:counters`, 'checks')) ?? 0);
    // a check is counted once its announcements are out: wait for one more of each lab's
    const counted = await until(
      async () =>
        (await counters(`${watching.prefix}:lab:alpha`)) > 0 &&
        (await counters(`${watching.prefix}:lab:beta`)) > 0,
      20_000,
    );
    const bare = await redis.exists(`${watching.prefix}:drift:counters`);
    await redis.quit();
    expect(counted).toBe(true);
    expect(bare).toBe(0);

    const alerts = await (async () => {
      const responseUrl = watching.slack.responseUrl({ channel: ALPHA, user: U.admin1 });
      const fields = { text: 'ntp alerts', user_id: U.admin1, channel_id: ALPHA, response_url: responseUrl };
      await postSlashCommand(watching.events, watching.secret, fields);
      const at = new URL(responseUrl).pathname;
      return String(
        (await watching.slack.waitFor((c) => c.method === 'response_url' && c.path === at, 10_000)).args.text,
      );
    })();
    expect(alerts).toContain('client-drift');
    expect(alerts).not.toContain('client-unsync');

    const metrics = await (await fetch(`http://127.0.0.1:${watching.httpPort}/metrics`)).text();
    const samples = (name: string, host: string) =>
      metrics.split('\n').filter((l) => l.startsWith(`${name}{`) && l.includes(`host="${host}"`));
    expect(samples('labops_ntp_offset_seconds', 'client-drift')).toEqual([
      expect.stringContaining('lab="alpha"'),
    ]);
    expect(samples('labops_ntp_offset_seconds', 'client-unsync').every((l) => l.includes('lab="beta"'))).toBe(
      true,
    );
    expect(metrics.match(/^# HELP labops_ntp_offset_seconds /gm)).toHaveLength(1);
    expect(metrics).toMatch(/^labops_drift_checks_total\{lab="alpha"\} [1-9]/m);
    expect(metrics).toMatch(/^labops_drift_checks_total\{lab="beta"\} [1-9]/m);
    expect(metrics).toMatch(/^labops_jobs\{queue="jobs",state="waiting"\} \d+/m);
  });

  it("a reload that adds a lab starts that lab's watch, in its own alert channel", async () => {
    writeFileSync(join(DIR, 'watch-gamma.yml'), hostsOf(['client-unsync']));
    const path = join(DIR, 'watch-policy.yml');
    const policy = parse(readFileSync(path, 'utf8'));
    policy.labs.gamma = {
      inventory: join(DIR, 'watch-gamma.yml'),
      known_hosts: lab.knownHostsPath,
      channels: ['CGAMMA001'],
      alert_channel: GAMMA_ALERTS,
    };
    writeFileSync(path, stringify(policy));
    expect(await watching.reload()).toEqual({ ok: true });
    // client-unsync is also beta's, whose watch announced it long ago: gamma's own state announces it again
    await watching.slack.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.channel === GAMMA_ALERTS &&
        String(c.args.text).includes('client-unsync:'),
      30_000,
    );
  });
});

describe('npm run doctor with LAB_POLICY', () => {
  it("checks the policy, every lab's known_hosts and hosts; a bad policy is one failing row with every problem", async () => {
    const config = loadConfig({
      REDIS_URL: inject('redisUrl'),
      LAB_POLICY: policyPath,
      LAB_KNOWN_HOSTS: join(DIR, 'empty_known_hosts'),
      LAB_INVENTORY: join(DIR, 'no-such-inventory.yml'),
    });
    const manifest = new URL('../../slack-app-manifest.yml', import.meta.url).pathname;
    const found = await runDoctor(config, { manifestPath: manifest, stepMs: 2000 });
    const row = (subject: string, check: string) =>
      found.find((f) => f.subject === subject && f.check === check);
    expect(row('policy', 'parses')).toMatchObject({
      verdict: 'ok',
      detail: `${policyPath}: 2 labs: alpha (3 hosts), beta (4 hosts)`,
    });
    expect(row('inventory', 'parses')).toBeUndefined(); // LAB_INVENTORY is not used with a policy
    for (const host of [...ALPHA_HOSTS, ...BETA_HOSTS]) expect(row(host, 'login')?.verdict, host).toBe('ok');

    const bad = join(DIR, 'doctor-bad-policy.yml');
    writeFileSync(
      bad,
      policyText().replace('operator:', 'operater:').replace('default_role: none', 'default_role: all'),
    );
    const badFound = await runDoctor(
      { ...config, policyPath: bad },
      { manifestPath: manifest, stepMs: 2000 },
    );
    const policyRow = badFound.find((f) => f.subject === 'policy');
    expect(policyRow?.verdict).toBe('fail');
    expect(policyRow?.detail).toMatch(/labs\.alpha\.roles: Unrecognized key\(s\) in object: 'operater'/);
    expect(policyRow?.detail).toMatch(/default_role: /);
    expect(badFound.some((f) => f.subject === 'client-sync')).toBe(false);
  });
});
