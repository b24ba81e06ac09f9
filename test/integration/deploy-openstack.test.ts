// /lab deploy openstack over signed Slack requests, against a lab controller whose packstack, dnf, systemctl,
// setenforce and hostname are stand-ins (test/lab/deploy-stand-ins.ts), and whose real openstack CLI talks to
// the fake Keystone/Neutron with the password the deploy set.
import { existsSync, readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JOBS_QUEUE } from '../../src/queue/jobs-queue.js';
import { setUpDeployStandIns } from '../lab/deploy-stand-ins.js';
import { waitUntil } from '../lab/wait.js';
import { type DeployLab, deployChannel, startDeployLab, textOf } from './deploy-fixture.js';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

const PASSWORD = 'Deploy-Pw-7f3a9c';

let d: DeployLab;
let labops: SlackLabops;
let channel: ReturnType<typeof deployChannel>;
const logLines: string[] = [];

beforeAll(async () => {
  d = await startDeployLab({ name: 'deploy', net: '127.0.11', password: PASSWORD });
  // every log line at debug level, to look for passwords in
  labops = await startSlackLabops({ ...d.env, LOG_LEVEL: 'debug' }, 'all', {
    log: { write: (line: string) => logLines.push(line) },
  });
  channel = deployChannel(labops);
}, 90_000);

afterAll(async () => {
  await labops?.close();
  await d?.stop();
});

/** Waits for the worker's log line with this message (it comes just after the checklist's last update). */
const logged = (msg: string) =>
  waitUntil(`log line "${msg}"`, async () => logLines.some((l) => l.includes(`"msg":"${msg}"`)), {
    timeoutMs: 10_000,
  });

/** /lab deploy openstack, the plan, the admin's Confirm; waits for the checklist's end. */
async function deploy(): Promise<{ plan: string; result: string }> {
  const planned = await channel.plan();
  expect(textOf(planned)).toMatch(/^Deploy OpenStack on controller: packstack all-in-one/);
  await channel.confirm(planned);
  const done = await channel.seen(/^Deploy OpenStack on controller: (done|failed) \(/, 90_000);
  return { plan: textOf(planned), result: textOf(done) };
}

describe('/lab deploy openstack', () => {
  it('plans, then on Confirm prepares, edits the answer file, installs with live progress and verifies', async () => {
    labops.slack.reset();
    const { plan, result } = await deploy();
    expect(plan).toContain('✅ OS: CentOS Stream 9');
    expect(plan).toContain('✅ clock: in sync');
    expect(plan).toContain('disable and stop firewalld');
    expect(plan).toContain('enable the crb repository');
    expect(plan).toContain('update the system packages (dnf update -y');
    expect(plan).toContain('install openstack-packstack');
    expect(plan).toMatch(/add "127\.0\.11\.\d+ controller\.lab\.example controller" to /);

    const lines = result.split('\n');
    if (process.env.DEPLOY_DEBUG)
      console.log([plan, ...channel.updates(), ...channel.threadReplies()].join('\n=====\n'));
    expect(lines[0]).toMatch(/^Deploy OpenStack on controller: done \(\d+s\)$/);
    expect(lines.slice(1).every((l) => l.startsWith('✅'))).toBe(true);
    expect(lines[4]).toBe('✅ 4. Install: 46 steps done');

    // while prepare ran, the checklist named the step under way (dnf update takes a while)
    expect(channel.updates()).toContainEqual(
      expect.stringMatching(/⏳ 2\. Prepare: \d+\/\d+: update the system packages/),
    );

    // the checklist moved while packstack ran: several updates of stage 4 with a growing step count
    const counts = channel
      .updates()
      .map((t) => /⏳ 4\. Install: (\d+) steps done/.exec(t)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number);
    expect(counts.length).toBeGreaterThanOrEqual(2);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts[counts.length - 1]).toBeGreaterThan(counts[0] ?? 0);

    // the runbook's diff in the thread, passwords masked
    const diff = channel.threadReplies().find((t) => t.startsWith('diff '));
    expect(diff).toContain('< CONFIG_CEILOMETER_INSTALL=n\n---\n> CONFIG_CEILOMETER_INSTALL=y');
    expect(diff).toContain('< CONFIG_KEYSTONE_ADMIN_PW=••••••\n---\n> CONFIG_KEYSTONE_ADMIN_PW=••••••');
    expect(diff).toContain('< CONFIG_NEUTRON_OVN_BRIDGE_IFACES=br-ex:ens33');
    const verify = channel.threadReplies().find((t) => t.startsWith('Verify on controller'));
    expect(verify).toMatch(/Horizon: http:\/\/127\.0\.11\.\d+\/dashboard/);
    expect(verify).toContain('✅ compute services: all 3 up');
    expect(verify).toContain('✅ Neutron agents: all 4 alive (on controller)');
    expect(verify).toContain(
      'Next, as in the runbook: /lab network setup creates the external and internal networks',
    );

    // the host: edited by key, the password really written, the prepare commands run
    const answers = readFileSync(d.standIns.answerFile, 'utf8');
    expect(answers).toContain(`\nCONFIG_KEYSTONE_ADMIN_PW=${PASSWORD}\n`);
    expect(answers).toContain('\nCONFIG_PROVISION_DEMO=n\n');
    expect(existsSync(`${d.standIns.answerFile}.old`)).toBe(true);
    const calls = readFileSync(d.standIns.callsPath, 'utf8');
    expect(calls).toContain('setenforce 0');
    expect(calls).toContain('systemctl disable --now firewalld');
    expect(calls).toContain('systemctl disable --now NetworkManager');
    // RDO's order: CRB, the release repository, the update, then packstack
    const order = [
      'dnf config-manager --set-enabled crb',
      'dnf install -y centos-release-openstack-yoga',
      'dnf update -y',
      'dnf install -y openstack-packstack',
      'packstack --gen-answer-file=',
    ].map((c) => calls.indexOf(c));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(calls).toContain(`packstack --answer-file=${d.standIns.answerFile}`);
    expect(readFileSync(d.standIns.vars.hosts_path as string, 'utf8')).toMatch(
      /controller\.lab\.example controller\n$/,
    );

    // the answer file went over stdin: nothing of it is on any command line the host logged
    const commands = readFileSync(d.lab.commandLogPath('controller'), 'utf8');
    expect(commands).toMatch(/cat > '[^']*openstack\.txt\.labops\.tmp'/);
    expect(commands).not.toContain('CONFIG_');
    expect(commands).not.toContain('base64 -d');

    // no password anywhere: the configured one, nor any packstack generated (random, kept in the .old copy)
    const generated = readFileSync(`${d.standIns.answerFile}.old`, 'utf8')
      .split('\n')
      .flatMap((l) => /^CONFIG_[A-Z0-9_]*(?:_PW|_PASSWORD)=(.+)$/.exec(l)?.[1] ?? []);
    expect(generated.length).toBeGreaterThan(5);
    const all = `${d.everything(labops.slack)}\n${logLines.join('')}`;
    expect(logLines.some((l) => /"level":20/.test(l))).toBe(true); // debug lines were captured
    await logged('deploy done');
    for (const secret of [PASSWORD, ...generated]) expect(all).not.toContain(secret);
  }, 150_000);

  it('a failed packstack: the failing step, the ERROR lines, the log paths and its tail; the job fails', async () => {
    d.standIns.setOutcome('fail');
    labops.slack.reset();
    const { result } = await deploy();
    if (process.env.DEPLOY_DEBUG)
      console.log([...channel.updates(), ...channel.threadReplies()].join('\n=====\n'));
    const lines = result.split('\n');
    expect(lines[0]).toMatch(/^Deploy OpenStack on controller: failed \(\d+s\)$/);
    expect(lines[3]).toMatch(/^✅ 3\. Answer file: reused .*openstack\.txt/);
    expect(lines[4]).toBe(
      '❌ 4. Install: failed at 192.168.1.123_controller.pp after 0 steps (details in thread)',
    );
    expect(lines[5]).toBe('⏹️ 5. Verify');
    const report = channel.threadReplies().find((t) => t.startsWith('packstack failed on controller'));
    expect(report).toContain('(exit 1) at: 192.168.1.123_controller.pp');
    expect(report).toContain('ERROR : Error appeared during Puppet run: 192.168.1.123_controller.pp');
    expect(report).toMatch(/setup log: \/.*var-tmp-packstack\/20170621-144129-mO5ppO\/openstack-setup\.log/);
    expect(report).toMatch(/manifest log: \/.*\/manifests\/192\.168\.1\.123_controller\.pp\.log/);
    expect(report).toContain('then run /lab deploy openstack again: it reuses the answer file');
    // the setup log's tail is a file in the checklist's thread
    const shared = await labops.slack.waitFor('files.completeUploadExternal', 10_000);
    const file = labops.slack.files().find((f) => f.filename === 'packstack-controller-tail.log');
    expect(file?.title).toMatch(
      /^Last lines of \/.*var-tmp-packstack\/20170621-144129-mO5ppO\/openstack-setup\.log on controller$/,
    );
    expect(file?.thread_ts).toBe(String(shared.args.thread_ts));
    expect(labops.slack.message(String(file?.channel), String(file?.thread_ts))?.text).toMatch(
      /^Deploy OpenStack on controller: failed/,
    );
    expect(file?.content?.toString('utf8')).toContain('Please check log file');
    await logged('deploy failed');
    expect(`${d.everything(labops.slack)}\n${logLines.join('')}`).not.toContain(PASSWORD);
    // the job itself ends failed, without a retry
    const queue = new Queue(JOBS_QUEUE, { connection: { url: inject('redisUrl') }, prefix: labops.prefix });
    const failed = await queue.getFailed();
    await queue.close();
    expect(failed.map((j) => [j.name, j.failedReason])).toContainEqual([
      'deploy.openstack',
      'deploy failed at Install: packstack failed at 192.168.1.123_controller.pp',
    ]);
    d.standIns.setOutcome('success');
  }, 150_000);

  it('packstack failing at a chosen step: that step is named, with the ERROR line and the log; the job fails', async () => {
    d.standIns.setOutcome('fail-at:4');
    labops.slack.reset();
    const { result } = await deploy();
    const lines = result.split('\n');
    expect(lines[0]).toMatch(/^Deploy OpenStack on controller: failed \(\d+s\)$/);
    expect(lines[4]).toBe('❌ 4. Install: failed at Preparing servers after 3 steps (details in thread)');
    const report = channel.threadReplies().find((t) => t.startsWith('packstack failed on controller'));
    expect(report).toContain('(exit 1) at: Preparing servers');
    expect(report).toContain('ERROR : lab stand-in: packstack made step 4 fail on purpose');
    expect(report).toMatch(/setup log: \/.*var-tmp-packstack\/20200108-140542-U13YS1\/openstack-setup\.log/);
    d.standIns.setOutcome('success');
  }, 150_000);

  it('a RHEL 8 family controller: PowerTools, network-scripts, and the network service once NetworkManager is off', async () => {
    // the same controller, freshly installed as Rocky Linux 8
    const standIns = setUpDeployStandIns(d.hostDir, { authUrl: d.openstack.authUrl, os: 'rocky-8' });
    labops.slack.reset();
    const { plan, result } = await deploy();
    expect(plan).toContain('✅ OS: Rocky Linux 8.9 (Green Obsidian)');
    expect(plan).toContain('enable the powertools repository');
    expect(plan).toContain('install network-scripts');
    expect(plan).toContain('enable and start the network service');
    expect(result.split('\n')[0]).toMatch(/^Deploy OpenStack on controller: done \(\d+s\)$/);
    const calls = readFileSync(standIns.callsPath, 'utf8');
    const order = [
      'dnf config-manager --set-enabled powertools',
      'dnf install -y centos-release-openstack-yoga',
      'dnf update -y',
      'dnf install -y network-scripts',
      'systemctl disable --now NetworkManager',
      'systemctl enable --now network',
      'dnf install -y openstack-packstack',
    ].map((c) => calls.indexOf(c));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  }, 150_000);
});
