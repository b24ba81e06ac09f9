// /lab deploy openstack over signed Slack requests, against a lab controller whose packstack, dnf, systemctl,
// setenforce and hostname are stand-ins (test/lab/deploy-stand-ins.ts), and whose real openstack CLI talks to
// the fake Keystone/Neutron with the password the deploy set.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JOBS_QUEUE } from '../../src/queue/jobs-queue.js';
import {
  type DeployStandIns,
  inventoryWithControllerVars,
  setUpDeployStandIns,
} from '../lab/deploy-stand-ins.js';
import { type Lab, startLab } from '../lab/index.js';
import { type FakeOpenstack, startFakeOpenstack } from '../support/fake-openstack.js';
import { type FakeSlack, type RecordedCall, startFakeSlack } from '../support/fake-slack.js';
import { postInteraction, postSlashCommand, SLACK_IDS } from '../support/slack-request.js';
import { startTestLabops, type TestLabops } from './start-labops.js';

const SECRET = 'test-signing-secret-deploy';
const PASSWORD = 'Deploy-Pw-7f3a9c';
const dir = join(tmpdir(), 'labops-deploy-lab');

let openstack: FakeOpenstack;
let lab: Lab;
let slack: FakeSlack;
let labops: TestLabops;
let standIns: DeployStandIns;
let events: string;

beforeAll(async () => {
  openstack = await startFakeOpenstack({ password: PASSWORD });
  lab = await startLab({ dir, net: '127.0.11', controller: { authUrl: openstack.authUrl } });
  const hostDir = dirname(lab.commandLogPath('controller'));
  standIns = setUpDeployStandIns(hostDir, { authUrl: openstack.authUrl });
  rmSync(join(hostDir, 'home', 'keystonerc_admin')); // packstack writes it
  slack = await startFakeSlack();
  labops = await startTestLabops({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    LAB_INVENTORY: inventoryWithControllerVars(lab.inventoryPath, standIns.vars),
    LAB_KNOWN_HOSTS: lab.knownHostsPath,
    LAB_ADMINS: SLACK_IDS.userId,
    LAB_OPENSTACK_ADMIN_PASSWORD: PASSWORD,
  });
  events = `http://127.0.0.1:${labops.httpPort}/slack/events`;
}, 90_000);

afterAll(async () => {
  await labops?.close();
  await slack?.close();
  await lab?.stop();
  await openstack?.close();
  rmSync(dir, { recursive: true, force: true });
});

const textOf = (c: RecordedCall) => String(c.args.text ?? '');
const updates = () => slack.calls.filter((c) => c.method === 'chat.update').map(textOf);
const threadReplies = () =>
  slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.thread_ts).map(textOf);

async function seen(pattern: RegExp, timeoutMs = 30_000): Promise<RecordedCall> {
  return slack.waitFor(
    (c) => (c.method === 'chat.update' || c.method === 'chat.postMessage') && pattern.test(textOf(c)),
    timeoutMs,
  );
}

/** /lab deploy openstack, the plan, the admin's Confirm; waits for the checklist's end. */
async function deploy(): Promise<{ plan: string; result: string }> {
  const res = await postSlashCommand(events, SECRET, {
    text: 'deploy openstack',
    response_url: slack.responseUrl({ channel: SLACK_IDS.channelId }),
  });
  expect(res.status).toBe(200);
  const planned = await seen(/^Deploy OpenStack on controller: packstack all-in-one/);
  const button = (
    (planned.args.blocks ?? []) as { type: string; elements?: { action_id?: string; value?: string }[] }[]
  )
    .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
    .find((b) => b.action_id === 'labops_confirm');
  expect(button?.value).toBeDefined();
  const click = await postInteraction(events, SECRET, {
    actions: [{ action_id: 'labops_confirm', block_id: 'labops_plan', type: 'button', value: button?.value }],
    message_ts: String(planned.args.ts),
    channel_id: SLACK_IDS.channelId,
  });
  expect(click.status).toBe(200);
  const done = await seen(/^Deploy OpenStack on controller: (done|failed) \(/, 90_000);
  return { plan: textOf(planned), result: textOf(done) };
}

/** Every recorded Slack call and every command the controller ran, as text. */
const everything = () =>
  [
    JSON.stringify(slack.calls),
    readFileSync(lab.commandLogPath('controller'), 'utf8'),
    readFileSync(standIns.callsPath, 'utf8'),
  ].join('\n');

describe('/lab deploy openstack', () => {
  it('plans, then on Confirm prepares, edits the answer file, installs with live progress and verifies', async () => {
    slack.reset();
    const { plan, result } = await deploy();
    expect(plan).toContain('✅ OS: CentOS Stream 9');
    expect(plan).toContain('✅ clock: in sync');
    expect(plan).toContain('disable and stop firewalld');
    expect(plan).toContain('install openstack-packstack');
    expect(plan).toMatch(/add "127\.0\.11\.\d+ controller\.lab\.example controller" to /);

    const lines = result.split('\n');
    if (process.env.DEPLOY_DEBUG) console.log([plan, ...updates(), ...threadReplies()].join('\n=====\n'));
    expect(lines[0]).toMatch(/^Deploy OpenStack on controller: done \(\d+s\)$/);
    expect(lines.slice(1).every((l) => l.startsWith('✅'))).toBe(true);
    expect(lines[4]).toBe('✅ 4. Install: 46 steps done');

    // the checklist moved while packstack ran: several updates of stage 4 with a growing step count
    const counts = updates()
      .map((t) => /⏳ 4\. Install: (\d+) steps done/.exec(t)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number);
    expect(counts.length).toBeGreaterThanOrEqual(2);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts[counts.length - 1]).toBeGreaterThan(counts[0] ?? 0);

    // the runbook's diff in the thread, passwords masked
    const diff = threadReplies().find((t) => t.startsWith('diff '));
    expect(diff).toContain('< CONFIG_CEILOMETER_INSTALL=n\n---\n> CONFIG_CEILOMETER_INSTALL=y');
    expect(diff).toContain('< CONFIG_KEYSTONE_ADMIN_PW=••••••\n---\n> CONFIG_KEYSTONE_ADMIN_PW=••••••');
    expect(diff).toContain('< CONFIG_NEUTRON_OVN_BRIDGE_IFACES=br-ex:ens33');
    const verify = threadReplies().find((t) => t.startsWith('Verify on controller'));
    expect(verify).toMatch(/Horizon: http:\/\/127\.0\.11\.\d+\/dashboard/);
    expect(verify).toContain('✅ compute services: all 3 up');
    expect(verify).toContain('✅ Neutron agents: all 4 alive (on controller)');

    // the host: edited by key, the password really written, the prepare commands run
    const answers = readFileSync(standIns.answerFile, 'utf8');
    expect(answers).toContain(`\nCONFIG_KEYSTONE_ADMIN_PW=${PASSWORD}\n`);
    expect(answers).toContain('\nCONFIG_PROVISION_DEMO=n\n');
    expect(existsSync(`${standIns.answerFile}.old`)).toBe(true);
    const calls = readFileSync(standIns.callsPath, 'utf8');
    expect(calls).toContain('setenforce 0');
    expect(calls).toContain('systemctl disable --now firewalld');
    expect(calls).toContain('systemctl disable --now NetworkManager');
    expect(calls).toContain('dnf install -y centos-release-openstack-yoga');
    expect(calls).toContain(`packstack --answer-file=${standIns.answerFile}`);
    expect(readFileSync(standIns.vars.hosts_path as string, 'utf8')).toMatch(
      /controller\.lab\.example controller\n$/,
    );

    expect(everything()).not.toContain(PASSWORD);
    expect(everything()).not.toContain('e79d601ad46c4ab9'); // packstack's generated admin password
  }, 150_000);

  it('a failed packstack: the failing step, the ERROR lines, the log paths and its tail; the job fails', async () => {
    standIns.setOutcome('fail');
    slack.reset();
    const { result } = await deploy();
    if (process.env.DEPLOY_DEBUG) console.log([...updates(), ...threadReplies()].join('\n=====\n'));
    const lines = result.split('\n');
    expect(lines[0]).toMatch(/^Deploy OpenStack on controller: failed \(\d+s\)$/);
    expect(lines[3]).toMatch(/^✅ 3\. Answer file: reused .*openstack\.txt/);
    expect(lines[4]).toBe(
      '❌ 4. Install: failed at 192.168.1.123_controller.pp after 0 steps (details in thread)',
    );
    expect(lines[5]).toBe('⏹️ 5. Verify');
    const report = threadReplies().find((t) => t.startsWith('packstack failed on controller'));
    expect(report).toContain('(exit 1) at: 192.168.1.123_controller.pp');
    expect(report).toContain('ERROR : Error appeared during Puppet run: 192.168.1.123_controller.pp');
    expect(report).toMatch(/setup log: \/.*var-tmp-packstack\/20170621-144129-mO5ppO\/openstack-setup\.log/);
    expect(report).toMatch(/manifest log: \/.*\/manifests\/192\.168\.1\.123_controller\.pp\.log/);
    expect(report).toMatch(/Last lines of \/.*openstack-setup\.log:\n/);
    expect(everything()).not.toContain(PASSWORD);
    // the job itself ends failed, without a retry
    const queue = new Queue(JOBS_QUEUE, { connection: { url: inject('redisUrl') }, prefix: labops.prefix });
    const failed = await queue.getFailed();
    await queue.close();
    expect(failed.map((j) => [j.name, j.failedReason])).toContainEqual([
      'deploy.openstack',
      'deploy failed at Install: packstack failed at 192.168.1.123_controller.pp',
    ]);
    standIns.setOutcome('success');
  }, 150_000);
});
