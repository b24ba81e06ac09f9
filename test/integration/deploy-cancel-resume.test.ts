// /lab cancel on a running /lab deploy openstack (packstack mid-install on the lab controller), then the deploy run
// again: the stand-in packstack is killed, the host locks are released, and the re-run reuses the answer file
// (same generated passwords) and finishes. Same setup as deploy-openstack.test.ts, on a lab of its own.
import { execFileSync } from 'node:child_process';
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

const SECRET = 'test-signing-secret-deploy-cancel';
const PASSWORD = 'Deploy-Cancel-Pw-4b81e2';
const ADMIN: string = SLACK_IDS.userId;
const dir = join(tmpdir(), 'labops-deploy-cancel-lab');

let openstack: FakeOpenstack;
let lab: Lab;
let slack: FakeSlack;
let labops: TestLabops;
let standIns: DeployStandIns;
let queue: Queue;
let events: string;
let packstackPath: string;

beforeAll(async () => {
  openstack = await startFakeOpenstack({ password: PASSWORD });
  lab = await startLab({ dir, net: '127.0.14', controller: { authUrl: openstack.authUrl } });
  const hostDir = dirname(lab.commandLogPath('controller'));
  // 70 console lines at 0.25 s each: the install runs ~17 s, time enough to see it move and cancel it
  standIns = setUpDeployStandIns(hostDir, { authUrl: openstack.authUrl, stepDelay: 0.25 });
  packstackPath = join(hostDir, 'bin', 'packstack');
  rmSync(join(hostDir, 'home', 'keystonerc_admin')); // packstack writes it
  slack = await startFakeSlack();
  labops = await startTestLabops({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    LAB_INVENTORY: inventoryWithControllerVars(lab.inventoryPath, standIns.vars),
    LAB_KNOWN_HOSTS: lab.knownHostsPath,
    LAB_ADMINS: ADMIN,
    LAB_OPENSTACK_ADMIN_PASSWORD: PASSWORD,
  });
  events = `http://127.0.0.1:${labops.httpPort}/slack/events`;
  queue = new Queue(JOBS_QUEUE, { connection: { url: inject('redisUrl') }, prefix: labops.prefix });
}, 90_000);

afterAll(async () => {
  await queue?.close();
  await labops?.close();
  await slack?.close();
  await lab?.stop();
  await openstack?.close();
  rmSync(dir, { recursive: true, force: true });
});

const textOf = (c: RecordedCall) => String(c.args.text ?? '');
const threadReplies = () =>
  slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.thread_ts).map(textOf);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function seen(pattern: RegExp, timeoutMs = 30_000): Promise<RecordedCall> {
  return slack.waitFor(
    (c) => (c.method === 'chat.update' || c.method === 'chat.postMessage') && pattern.test(textOf(c)),
    timeoutMs,
  );
}

/** A slash command as the admin; its ephemeral answer (the response_url POST). */
async function slash(text: string): Promise<RecordedCall> {
  const url = slack.responseUrl({ channel: SLACK_IDS.channelId, user: ADMIN });
  const res = await postSlashCommand(events, SECRET, { text, user_id: ADMIN, response_url: url });
  expect(res.status).toBe(200);
  return slack.waitFor((c) => c.method === 'response_url' && c.path === new URL(url).pathname, 10_000);
}

/** /lab deploy openstack up to its plan (not "already running"): the plan message. */
async function plan(): Promise<RecordedCall> {
  const before = slack.calls.length;
  const res = await postSlashCommand(events, SECRET, {
    text: 'deploy openstack',
    user_id: ADMIN,
    response_url: slack.responseUrl({ channel: SLACK_IDS.channelId, user: ADMIN }),
  });
  expect(res.status).toBe(200);
  return slack.waitFor(
    (c) =>
      slack.calls.indexOf(c) >= before &&
      (c.method === 'chat.update' || c.method === 'chat.postMessage') &&
      /^Deploy OpenStack on controller: packstack all-in-one/.test(textOf(c)),
    30_000,
  );
}

/** The admin's Confirm on a plan message. */
async function confirm(planned: RecordedCall): Promise<void> {
  const button = (
    (planned.args.blocks ?? []) as { type: string; elements?: { action_id?: string; value?: string }[] }[]
  )
    .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
    .find((b) => b.action_id === 'labops_confirm');
  expect(button?.value).toBeDefined();
  const click = await postInteraction(events, SECRET, {
    user_id: ADMIN,
    actions: [{ action_id: 'labops_confirm', block_id: 'labops_plan', type: 'button', value: button?.value }],
    message_ts: String(planned.args.ts),
    channel_id: SLACK_IDS.channelId,
  });
  expect(click.status).toBe(200);
}

/** Pids of the packstack stand-in running an install on the lab controller (this lab's bin/ only). */
function packstackPids(): string[] {
  try {
    return execFileSync('pgrep', ['-f', '--', `${packstackPath} --answer-file`], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** The answer file's password lines (packstack's generated ones and the runbook's). */
const passwordLines = () =>
  readFileSync(standIns.answerFile, 'utf8')
    .split('\n')
    .filter((l) => /^CONFIG_[A-Z0-9_]*(_PW|_PASSWORD)=/.test(l));

let afterCancel: string[] = [];

describe('/lab deploy openstack, cancelled mid-install, then run again', () => {
  it('/lab cancel <job> kills packstack on the host, fails the job "cancelled by", releases the locks', async () => {
    slack.reset();
    const planned = await plan();
    await confirm(planned);

    // the checklist shows the install running and packstack reporting steps
    const progress = await slack.waitFor(
      (c) => c.method === 'chat.update' && /⏳ 4\. Install: [1-9]\d* steps done/.test(textOf(c)),
      60_000,
    );
    const ts = String(progress.args.ts);
    if (process.env.DEPLOY_DEBUG) console.log('plan ts', planned.args.ts, 'checklist ts', ts);
    expect(packstackPids().length).toBeGreaterThan(0);

    // the job, from the queue and from the bot itself: the hosts are held by it
    const active = await queue.getJobs(['active']);
    const job = active.find((j) => j.name === 'deploy.openstack');
    expect(job?.id).toBeDefined();
    const jobId = String(job?.id);
    expect((await slash('deploy openstack')).args.text).toBe(
      `A change is already running on group openstack_controllers (job ${jobId}). Wait for it to finish.`,
    );

    const cancelledAt = Date.now();
    expect(String((await slash(`cancel ${jobId}`)).args.text)).toMatch(
      new RegExp(`^Stopping job ${jobId} \\(\`/lab deploy openstack\`\\)`),
    );

    // the channel message says so
    const update = await slack.waitFor(
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
    for (let i = 0; i < 50 && packstackPids().length > 0; i++) await sleep(100);
    expect(packstackPids()).toEqual([]);
    const calls = readFileSync(standIns.callsPath, 'utf8');
    expect(calls.match(/^packstack --answer-file=/gm)).toHaveLength(1);
    expect(existsSync(join(dirname(packstackPath), '..', 'home', 'keystonerc_admin'))).toBe(false); // never finished

    // nothing overwrote the cancelled message afterwards (a late checklist update, a "failed" outcome)
    await sleep(2000);
    expect(slack.message(SLACK_IDS.channelId, ts)?.text).toMatch(/cancelled by/);

    // the locks are released: a new deploy plans again instead of "already running"
    const again = await plan();
    expect(textOf(again)).toMatch(/^Deploy OpenStack on controller: packstack all-in-one/);

    afterCancel = passwordLines();
    expect(afterCancel.length).toBeGreaterThan(5);
    expect(afterCancel).toContain(`CONFIG_KEYSTONE_ADMIN_PW=${PASSWORD}`);
  }, 150_000);

  it('run again, it reuses the answer file (same passwords) and finishes: all done, Horizon posted', async () => {
    expect(afterCancel.length).toBeGreaterThan(0);
    slack.reset();
    const planned = await plan();
    expect(textOf(planned)).not.toMatch(/already running/);
    await confirm(planned);
    const done = await seen(/^Deploy OpenStack on controller: (done|failed) \(/, 90_000);
    const lines = textOf(done).split('\n');
    if (process.env.DEPLOY_DEBUG) console.log([textOf(done), ...threadReplies()].join('\n=====\n'));
    expect(lines[0]).toMatch(/^Deploy OpenStack on controller: done \(\d+s\)$/);
    expect(lines.slice(1).every((l) => l.startsWith('✅'))).toBe(true);
    expect(lines[3]).toMatch(/^✅ 3\. Answer file: reused .*openstack\.txt/);
    expect(lines[4]).toBe('✅ 4. Install: 46 steps done');

    const verify = threadReplies().find((t) => t.startsWith('Verify on controller'));
    expect(verify).toMatch(/Horizon: http:\/\/127\.0\.14\.\d+\/dashboard/);

    // the answer file was generated once, by the cancelled run, and its passwords are the same
    expect(passwordLines()).toEqual(afterCancel);
    const calls = readFileSync(standIns.callsPath, 'utf8');
    expect(calls.match(/^packstack --gen-answer-file=/gm)).toHaveLength(1);
    expect(calls.match(/^packstack --answer-file=/gm)).toHaveLength(2);
    expect(JSON.stringify(slack.calls)).not.toContain(PASSWORD);
  }, 150_000);
});
