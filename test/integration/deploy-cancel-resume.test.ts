// /lab cancel on a running /lab deploy openstack (packstack mid-install on the lab controller), then the deploy run
// again: the stand-in packstack is killed, the host locks are released, and the re-run reuses the answer file
// (same generated passwords) and finishes. Same setup as deploy-openstack.test.ts, on a lab of its own.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JOBS_QUEUE } from '../../src/queue/jobs-queue.js';
import { SLACK_IDS } from '../support/slack-request.js';
import { ADMIN, type DeployLab, deployChannel, startDeployLab, textOf } from './deploy-fixture.js';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

const PASSWORD = 'Deploy-Cancel-Pw-4b81e2';

let d: DeployLab;
let labops: SlackLabops;
let queue: Queue;
let channel: ReturnType<typeof deployChannel>;

beforeAll(async () => {
  // 70 console lines at 0.25 s each: the install runs ~17 s, time enough to see it move and cancel it
  d = await startDeployLab({
    name: 'deploy-cancel',
    net: '127.0.14',
    password: PASSWORD,
    stepDelay: 0.25,
  });
  labops = await startSlackLabops(d.env);
  channel = deployChannel(labops);
  queue = new Queue(JOBS_QUEUE, { connection: { url: inject('redisUrl') }, prefix: labops.prefix });
}, 90_000);

afterAll(async () => {
  await queue?.close();
  await labops?.close();
  await d?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let afterCancel: string[] = [];

describe('/lab deploy openstack, cancelled mid-install, then run again', () => {
  it('/lab cancel <job> kills packstack on the host, fails the job "cancelled by", releases the locks', async () => {
    labops.slack.reset();
    const planned = await channel.plan();
    await channel.confirm(planned);

    // the checklist shows the install running and packstack reporting steps
    const progress = await labops.slack.waitFor(
      (c) => c.method === 'chat.update' && /⏳ 4\. Install: [1-9]\d* steps done/.test(textOf(c)),
      60_000,
    );
    const ts = String(progress.args.ts);
    if (process.env.DEPLOY_DEBUG) console.log('plan ts', planned.args.ts, 'checklist ts', ts);
    expect(d.packstackPids().length).toBeGreaterThan(0);

    // the job, from the queue and from the bot itself: the hosts are held by it
    const active = await queue.getJobs(['active']);
    const job = active.find((j) => j.name === 'deploy.openstack');
    expect(job?.id).toBeDefined();
    const jobId = String(job?.id);
    expect((await channel.slash('deploy openstack')).args.text).toBe(
      `A change is already running on group openstack_controllers (job ${jobId}). Wait for it to finish.`,
    );

    const cancelledAt = Date.now();
    expect(String((await channel.slash(`cancel ${jobId}`)).args.text)).toMatch(
      new RegExp(`^Stopping job ${jobId} \\(\`/lab deploy openstack\`\\)`),
    );

    // the channel message says so
    const update = await labops.slack.waitFor(
      (c) => c.method === 'chat.update' && c.args.ts === ts && /cancelled by/.test(textOf(c)),
      15_000,
    );
    expect(textOf(update)).toMatch(
      new RegExp(`^✖️ \`/lab deploy openstack\` was cancelled by <@${ADMIN}> after \\d+(\\.\\d)? (s|min)`),
    );

    // the job ends failed with the reason, long before packstack would have finished
    for (let i = 0; i < 50 && (await queue.getJob(jobId).then((j) => j?.getState())) !== 'failed'; i++)
      await sleep(100);
    const failed = await queue.getJob(jobId);
    expect(await failed?.getState()).toBe('failed');
    expect(failed?.failedReason).toBe(`cancelled by <@${ADMIN}>`);
    console.log(
      `[reliability] /lab cancel to deploy job failed: ${(failed?.finishedOn ?? 0) - cancelledAt} ms`,
    );

    // packstack (and its process group) is gone from the host
    for (let i = 0; i < 50 && d.packstackPids().length > 0; i++) await sleep(100);
    expect(d.packstackPids()).toEqual([]);
    const calls = readFileSync(d.standIns.callsPath, 'utf8');
    expect(calls.match(/^packstack --answer-file=/gm)).toHaveLength(1);
    expect(existsSync(join(d.hostDir, 'home', 'keystonerc_admin'))).toBe(false); // never finished

    // nothing overwrote the cancelled message afterwards (a late checklist update, a "failed" outcome)
    await sleep(2000);
    expect(labops.slack.message(SLACK_IDS.channelId, ts)?.text).toMatch(/cancelled by/);

    // the locks are released: a new deploy plans again instead of "already running"
    const again = await channel.plan();
    expect(textOf(again)).toMatch(/^Deploy OpenStack on controller: packstack all-in-one/);

    afterCancel = d.passwordLines();
    expect(afterCancel.length).toBeGreaterThan(5);
    expect(afterCancel).toContain(`CONFIG_KEYSTONE_ADMIN_PW=${PASSWORD}`);
  }, 150_000);

  it('run again, it reuses the answer file (same passwords) and finishes: all done, Horizon posted', async () => {
    expect(afterCancel.length).toBeGreaterThan(0);
    labops.slack.reset();
    const planned = await channel.plan();
    expect(textOf(planned)).not.toMatch(/already running/);
    await channel.confirm(planned);
    const done = await channel.seen(/^Deploy OpenStack on controller: (done|failed) \(/, 90_000);
    const lines = textOf(done).split('\n');
    if (process.env.DEPLOY_DEBUG) console.log([textOf(done), ...channel.threadReplies()].join('\n=====\n'));
    expect(lines[0]).toMatch(/^Deploy OpenStack on controller: done \(\d+s\)$/);
    expect(lines.slice(1).every((l) => l.startsWith('✅'))).toBe(true);
    expect(lines[3]).toMatch(/^✅ 3\. Answer file: reused .*openstack\.txt/);
    expect(lines[4]).toBe('✅ 4. Install: 46 steps done');

    // the .old copy is still the generated file: the diff shows the runbook's edits again, not an empty one
    const diff = channel.threadReplies().find((t) => t.startsWith('diff '));
    expect(diff).toContain('< CONFIG_PROVISION_DEMO=n\n---\n> CONFIG_PROVISION_DEMO=y');
    expect(textOf(done)).toMatch(/reused .*openstack\.txt, 0 keys set/);
    const verify = channel.threadReplies().find((t) => t.startsWith('Verify on controller'));
    expect(verify).toMatch(/Horizon: http:\/\/127\.0\.14\.\d+\/dashboard/);

    // the answer file was generated once, by the cancelled run, and its passwords are the same
    expect(d.passwordLines()).toEqual(afterCancel);
    const calls = readFileSync(d.standIns.callsPath, 'utf8');
    expect(calls.match(/^packstack --gen-answer-file=/gm)).toHaveLength(1);
    expect(calls.match(/^packstack --answer-file=/gm)).toHaveLength(2);
    expect(d.everything(labops.slack)).not.toContain(PASSWORD);
  }, 150_000);
});
