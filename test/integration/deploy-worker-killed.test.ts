// A worker killed (SIGKILL) in the middle of /lab deploy openstack, with packstack outliving its SSH session on the
// controller as a Puppet run may: the next worker tells the channel the install was interrupted (and does not run it
// again by itself); a new /lab deploy openstack is refused while that packstack still runs, and once it has ended,
// resumes from the same answer file (same passwords) and finishes.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JOBS_QUEUE } from '../../src/queue/jobs-queue.js';
import { SLACK_IDS } from '../support/slack-request.js';
import { type DeployLab, deployChannel, startDeployLab, textOf } from './deploy-fixture.js';
import {
  type SlackLabops,
  spawnWorker,
  startSlackLabops,
  startTestLabops,
  type TestLabops,
} from './start-labops.js';

const PASSWORD = 'Deploy-Killed-Pw-93c1d0';
const LOCK_MS = '1000';

let d: DeployLab;
let bot: SlackLabops;
let rescuer: TestLabops | undefined;
let child: ChildProcess | undefined;
let queue: Queue;
let channel: ReturnType<typeof deployChannel>;

beforeAll(async () => {
  // 70 console lines at 0.15 s each: the install runs ~10 s
  d = await startDeployLab({
    name: 'deploy-killed',
    net: '127.0.16',
    password: PASSWORD,
    stepDelay: 0.15,
  });
  d.standIns.setOutlivesSession(true);
  bot = await startSlackLabops(d.env, 'bot');
  channel = deployChannel(bot);
  queue = new Queue(JOBS_QUEUE, { connection: { url: inject('redisUrl') }, prefix: bot.prefix });
}, 90_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  await rescuer?.stop();
  await queue?.close();
  await bot?.close();
  await d?.stop();
});

const workerEnv = () => ({
  ...d.env,
  ...bot.slackEnv,
  LAB_QUEUE_PREFIX: bot.prefix,
  LAB_JOB_LOCK_MS: LOCK_MS,
});

function startChildWorker(): ChildProcess {
  const { proc } = spawnWorker({ LOG_LEVEL: 'warn', ...workerEnv() });
  child = proc;
  return proc;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let passwordsBefore: string[] = [];

describe('/lab deploy openstack when the worker dies mid-install', () => {
  it('the next worker says the install was interrupted; a new deploy is refused while packstack still runs', async () => {
    const worker = startChildWorker();
    const planned = await channel.plan();
    expect(textOf(planned)).toMatch(/^Deploy OpenStack on controller: packstack all-in-one/);
    await channel.confirm(planned);
    const progress = await bot.slack.waitFor(
      (c) => c.method === 'chat.update' && /⏳ 4\. Install: [1-9]\d* steps done/.test(textOf(c)),
      60_000,
    );
    const ts = String(progress.args.ts); // the checklist
    const [job] = (await queue.getJobs(['active'])).filter((j) => j.name === 'deploy.openstack');
    expect(job?.id).toBeDefined();
    // the checklist Slack shows is kept in the job's progress right after the update (a write of its own):
    // wait for it there too, so the worker dies with that state recorded
    for (let waited = 0; waited < 10_000; waited += 100) {
      const shown = (await queue.getJob(String(job?.id)))?.progress as { lastMessage?: { text?: string } };
      if (/⏳ 4\. Install: [1-9]\d* steps done/.test(shown?.lastMessage?.text ?? '')) break;
      await sleep(100);
    }
    passwordsBefore = d.passwordLines();
    expect(passwordsBefore).toContain(`CONFIG_KEYSTONE_ADMIN_PW=${PASSWORD}`);

    const exited = new Promise((r) => worker.once('exit', r));
    worker.kill('SIGKILL');
    await exited;
    expect(await queue.getJobState(String(job?.id))).toBe('active'); // nobody told BullMQ
    expect(d.packstackPids().length).toBeGreaterThan(0); // packstack goes on without its session

    rescuer = await startTestLabops(workerEnv(), 'worker');
    const told = await bot.slack.waitFor(
      (c) => c.method === 'chat.update' && c.args.ts === ts && /was interrupted/.test(textOf(c)),
      30_000,
    );
    expect(textOf(told)).toMatch(
      /`\/lab deploy openstack` was interrupted: the worker stopped mid-change; check the hosts and run the command again/,
    );
    // and where it was: the checklist as the dead worker last showed it
    expect(textOf(told)).toMatch(
      /Where it was when the worker stopped:\nDeploy OpenStack on controller: running[^\n]*\n(.*\n)*⏳ 4\. Install: \d+ steps done/,
    );
    expect(textOf(told)).toContain('✅ 3. Answer file:');
    for (let i = 0; i < 50 && (await queue.getJobState(String(job?.id))) !== 'failed'; i++) await sleep(100);
    expect((await queue.getJob(String(job?.id)))?.failedReason).toMatch(/^interrupted: the worker stopped/);
    // it was not run again by the new worker: one install only, still the orphan's
    const calls = () => readFileSync(d.standIns.callsPath, 'utf8');
    expect(calls().match(/^packstack --answer-file=/gm)).toHaveLength(1);

    // while that packstack runs, a new deploy is refused with the reason (and no Confirm button)
    expect(d.packstackPids().length).toBeGreaterThan(0);
    const refused = await channel.plan();
    expect(textOf(refused)).toMatch(/^Deploy OpenStack on controller: refused, the preflight found blockers/);
    expect(textOf(refused)).toMatch(
      /❌ packstack is already running on the controller \(\d+ .*packstack --answer-file=.*openstack\.txt\)/,
    );
    expect(JSON.stringify(refused.args.blocks)).not.toContain('labops_confirm');
    expect(textOf(refused)).toMatch(
      /Nothing was changed\. Fix what the preflight found, then run \/lab deploy openstack again\.$/,
    );
    expect(bot.slack.message(SLACK_IDS.channelId, ts)?.text).toMatch(/was interrupted/);
  }, 150_000);

  it('once that packstack has ended, the deploy resumes from the same answer file and finishes', async () => {
    expect(passwordsBefore.length).toBeGreaterThan(5);
    for (let i = 0; i < 600 && d.packstackPids().length > 0; i++) await sleep(100);
    expect(d.packstackPids()).toEqual([]);
    d.standIns.setOutlivesSession(false);

    const planned = await channel.plan();
    expect(textOf(planned)).toMatch(/^Deploy OpenStack on controller: packstack all-in-one/);
    expect(textOf(planned)).toMatch(/• reuse .*openstack\.txt, keep/);
    await channel.confirm(planned);
    const done = await channel.seen(/^Deploy OpenStack on controller: (done|failed) \(/, 90_000);
    const lines = textOf(done).split('\n');
    expect(lines[0]).toMatch(/^Deploy OpenStack on controller: done \(\d+s\)$/);
    expect(lines[3]).toMatch(/^✅ 3\. Answer file: reused .*openstack\.txt/);
    expect(lines[4]).toBe('✅ 4. Install: 46 steps done');

    expect(d.passwordLines()).toEqual(passwordsBefore);
    const calls = readFileSync(d.standIns.callsPath, 'utf8');
    expect(calls.match(/^packstack --gen-answer-file=/gm)).toHaveLength(1);
    expect(calls.match(/^packstack --answer-file=/gm)).toHaveLength(2);
    expect(d.everything(bot.slack)).not.toContain(PASSWORD);
  }, 150_000);
});
