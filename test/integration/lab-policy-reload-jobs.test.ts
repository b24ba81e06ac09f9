// A queued job whose lab a reload took out of LAB_POLICY: the worker that reloaded refuses it in its channel (the
// message that said "checking" says why), runs nothing, and fails the job for good. Reload is per process: the bot,
// not yet sent SIGHUP, still serves the lab and queues the job; once reloaded, its channel serves no lab.
// A bot and a worker labops (HTTP mode, real Redis) on two labs of the shared lab: alpha (ntp1, ntp2), beta (client-sync).

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { JOBS_QUEUE } from '../../src/queue/jobs-queue.js';
import { until } from '../support/local-processes.js';
import { postSlashCommand } from '../support/slack-request.js';
import { type SlackLabops, startSlackLabops, startTestLabops, type TestLabops } from './start-labops.js';

const DIR = join(tmpdir(), `labops-policy-reload-jobs-${process.pid}`);
const ALPHA = 'CRLALPHA1';
const BETA = 'CRLBETA01';
const OPERATOR = 'URLOPER01';
const LABS = { alpha: ['ntp1', 'ntp2'], beta: ['client-sync'] };

let bot: SlackLabops;
let worker: TestLabops;
let queue: Queue;
const policyPath = join(DIR, 'policy.yml');

function writePolicy(labs: string[]) {
  const lab = (name: string, channel: string) => ({
    inventory: join(DIR, `${name}.yml`),
    channels: [channel],
  });
  const all = { alpha: lab('alpha', ALPHA), beta: lab('beta', BETA) };
  writeFileSync(
    policyPath,
    stringify({
      labs: Object.fromEntries(Object.entries(all).filter(([name]) => labs.includes(name))),
      roles: { operator: [OPERATOR] },
    }),
  );
}

beforeAll(async () => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  for (const [name, hosts] of Object.entries(LABS)) {
    const inventory = parse(readFileSync(inject('lab').inventoryPath, 'utf8'));
    for (const group of Object.values(inventory.all.children) as { hosts: Record<string, unknown> }[])
      group.hosts = Object.fromEntries(Object.entries(group.hosts).filter(([h]) => hosts.includes(h)));
    writeFileSync(join(DIR, `${name}.yml`), stringify(inventory));
  }
  writePolicy(['alpha', 'beta']);
  const env = { LAB_POLICY: policyPath, LAB_DRIFT_INTERVAL: '3600' };
  bot = await startSlackLabops(env, 'bot');
  worker = await startTestLabops({ ...env, ...bot.slackEnv, LAB_QUEUE_PREFIX: bot.prefix }, 'worker');
  queue = new Queue(JOBS_QUEUE, { connection: { url: inject('redisUrl') }, prefix: bot.prefix });
}, 60_000);

afterAll(async () => {
  await queue?.close();
  await worker?.stop();
  await bot?.close();
  rmSync(DIR, { recursive: true, force: true });
});

/** `/lab <text>` typed in channel by the operator; resolves with the ack's status. */
const slash = async (channel: string, text: string) =>
  (
    await postSlashCommand(bot.events, bot.secret, {
      text,
      user_id: OPERATOR,
      channel_id: channel,
      response_url: bot.slack.responseUrl({ channel, user: OPERATOR }),
    })
  ).status;

describe('a job queued for a lab a reload took out', () => {
  it('runs in the lab while the policy has it', async () => {
    expect(await slash(BETA, 'ntp status client-sync')).toBe(200);
    await bot.slack.waitFor(
      (c) =>
        c.method === 'chat.update' &&
        c.args.channel === BETA &&
        /^NTP status of host client-sync: 1 in sync/.test(String(c.args.text)),
      30_000,
    );
  });

  it("the worker that reloaded refuses it in its channel, says why, and fails it for good; the bot's own reload unbinds the channel", async () => {
    writePolicy(['alpha']);
    expect(await worker.reload()).toEqual({ ok: true });
    // the bot was not sent SIGHUP: it still serves beta, and queues the job for beta
    const before = bot.slack.calls.length;
    expect(await slash(BETA, 'ntp status client-sync')).toBe(200);
    const refused = await bot.slack.waitFor(
      (c) =>
        bot.slack.calls.indexOf(c) >= before &&
        c.args.channel === BETA &&
        /was not run/.test(String(c.args.text)),
      30_000,
    );
    expect(String(refused.args.text)).toBe(
      "⛔ `/lab ntp status client-sync` was not run: lab beta is not in labops' policy any more, so nothing was run. Ask an admin to check LAB_POLICY.",
    );
    // the message that said it was checking is the one that says so: nothing is left "checking"
    expect(refused.method).toBe('chat.update');
    expect(bot.slack.message(BETA, String(refused.args.ts))?.text).toBe(String(refused.args.text));
    const newer = bot.slack.calls.slice(bot.slack.calls.indexOf(refused) + 1);
    expect(newer.filter((c) => c.args.channel === BETA && /NTP status of/.test(String(c.args.text)))).toEqual(
      [],
    );

    // the worker says so, then fails the job (BullMQ moves it to failed just after)
    const failedBeta = async () => (await queue.getJobs(['failed'])).find((j) => j.data.lab === 'beta');
    expect(await until(async () => (await failedBeta()) !== undefined, 10_000)).toBe(true);
    const job = await failedBeta();
    expect(job?.failedReason).toMatch(/^refused: lab beta is not in labops' policy any more/);
    expect(job?.attemptsMade).toBe(1); // unrecoverable: never retried

    // alpha goes on as before on the same worker
    expect(await slash(ALPHA, 'ntp status ntp1')).toBe(200);
    await bot.slack.waitFor(
      (c) =>
        c.method === 'chat.update' &&
        c.args.channel === ALPHA &&
        /^NTP status of host ntp1: 1 in sync/.test(String(c.args.text)),
      30_000,
    );

    // SIGHUP to the bot too: beta's channel now serves no lab, and nothing is queued
    expect(await bot.reload()).toEqual({ ok: true });
    const queued = async () => (await queue.getJobs(['waiting', 'active', 'completed', 'failed'])).length;
    const jobsBefore = await queued();
    const responseUrl = bot.slack.responseUrl({ channel: BETA, user: OPERATOR });
    const ack = await postSlashCommand(bot.events, bot.secret, {
      text: 'ntp status client-sync',
      user_id: OPERATOR,
      channel_id: BETA,
      response_url: responseUrl,
    });
    expect(ack.status).toBe(200);
    const path = new URL(responseUrl).pathname;
    const answer = await bot.slack.waitFor((c) => c.method === 'response_url' && c.path === path, 10_000);
    expect(String(answer.args.text)).toMatch(/^This channel serves no lab, so nothing was run\./);
    expect(String(answer.args.text)).toContain(`• lab *alpha*: <#${ALPHA}>`);
    expect(String(answer.args.text)).not.toContain('beta');
    expect(await queued()).toBe(jobsBefore);
  });
});
