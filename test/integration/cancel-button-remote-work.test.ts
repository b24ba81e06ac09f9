// The Cancel button on a running job's own message, clicked through a signed block_actions request as Slack sends
// it, stops the remote work on the host: packstack in the middle of /lab deploy openstack, and a chronyc that hangs
// in the middle of a long /lab ntp status. A lab of its own (127.0.202.x) with the deploy stand-ins.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JOBS_QUEUE } from '../../src/queue/jobs-queue.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { processesMatching, until } from '../support/local-processes.js';
import { postInteraction, SLACK_IDS } from '../support/slack-request.js';
import { ADMIN, type DeployLab, deployChannel, startDeployLab, textOf } from './deploy-fixture.js';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

const PASSWORD = 'Cancel-Button-Pw-51c0d9';
// another admin: the one who clicks, so the final message must name the canceller, not the requester
const OTHER_ADMIN = 'U0ADMIN202';
const STRANGER = 'U0STRANGER202';
// what client-sync's chronyc runs in the status test: a sleep no other process on this machine has
const HANG = `sleep 7${Math.floor(Math.random() * 90000 + 10000)}`;

type Element = { action_id?: string; value?: string; text?: { text?: string } };
type Block = { type: string; block_id?: string; elements?: Element[] };
const cancelButton = (call: RecordedCall) =>
  ((call.args.blocks ?? []) as Block[])
    .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
    .find((e) => e.action_id === 'labops_cancel_job');

let d: DeployLab;
let labops: SlackLabops;
let queue: Queue;
let channel: ReturnType<typeof deployChannel>;

beforeAll(async () => {
  // 70 packstack lines 0.25 s apart: the install runs ~17 s, time enough to see the button and click it
  d = await startDeployLab({ name: 'cancel-button', net: '127.0.202', password: PASSWORD, stepDelay: 0.25 });
  labops = await startSlackLabops({
    ...d.env,
    LAB_ADMINS: `${ADMIN},${OTHER_ADMIN}`,
    // nothing on the hosts times out within the test: only the Cancel can stop the remote work
    LAB_SSH_COMMAND_TIMEOUT_MS: '120000',
  });
  channel = deployChannel(labops);
  queue = new Queue(JOBS_QUEUE, { connection: { url: inject('redisUrl') }, prefix: labops.prefix });
}, 90_000);

afterAll(async () => {
  await queue?.close();
  await labops?.close();
  await d?.stop();
});

/** Clicks the Cancel button shown in `shown` (an update of message `ts`), as Slack posts a block_actions click. */
const clickCancel = (user: string, ts: string, shown: RecordedCall) => {
  const button = cancelButton(shown);
  const block = ((shown.args.blocks ?? []) as Block[]).find((b) => b.elements?.includes(button as Element));
  return postInteraction(labops.events, labops.secret, {
    user_id: user,
    channel_id: SLACK_IDS.channelId,
    message_ts: ts,
    message: { type: 'message', ts, text: textOf(shown), blocks: shown.args.blocks },
    actions: [
      {
        type: 'button',
        action_id: 'labops_cancel_job',
        block_id: block?.block_id,
        value: button?.value,
        text: { type: 'plain_text', text: button?.text?.text ?? '' },
      },
    ],
    response_url: labops.slack.responseUrl({ channel: SLACK_IDS.channelId, user }),
  });
};

/** The job's final state and reason, once it has one. */
const ended = async (jobId: string) => {
  await until(async () => (await queue.getJob(jobId).then((j) => j?.getState())) === 'failed', 10_000);
  const job = await queue.getJob(jobId);
  return { state: await job?.getState(), reason: job?.failedReason };
};

describe('Cancel on a running job’s message stops the remote work', () => {
  it('the deploy checklist: packstack is killed on the controller, the message says who, the button goes', async () => {
    labops.slack.reset();
    const planned = await channel.plan();
    await channel.confirm(planned);

    // the checklist with packstack under way, and the Cancel button under it
    const shown = await labops.slack.waitFor(
      (c) =>
        c.method === 'chat.update' &&
        /⏳ 4\. Install: [1-9]\d* steps done/.test(textOf(c)) &&
        cancelButton(c) !== undefined,
      60_000,
    );
    const ts = String(shown.args.ts);
    const jobId = String(cancelButton(shown)?.value);
    expect(cancelButton(shown)?.text?.text).toBe(`Cancel job ${jobId}`);
    const job = await queue.getJob(jobId);
    expect(job?.name).toBe('deploy.openstack');
    expect(await job?.getState()).toBe('active');
    expect(d.packstackPids().length).toBeGreaterThan(0);

    // someone who is neither its requester nor an admin is refused, and packstack goes on
    expect((await clickCancel(STRANGER, ts, shown)).status).toBe(200);
    const refused = await labops.slack.waitFor(
      (c) => c.method === 'response_url' && /may cancel job/.test(textOf(c)),
      5000,
    );
    expect(textOf(refused)).toMatch(new RegExp(`Only <@${ADMIN}> or a lab admin may cancel job ${jobId}`));
    expect(await job?.getState()).toBe('active');
    expect(d.packstackPids().length).toBeGreaterThan(0);

    // another admin's click stops it
    expect((await clickCancel(OTHER_ADMIN, ts, shown)).status).toBe(200);
    const final = await labops.slack.waitFor(
      (c) => c.method === 'chat.update' && c.args.ts === ts && /cancelled by/.test(textOf(c)),
      15_000,
    );
    expect(textOf(final)).toMatch(
      new RegExp(
        `^✖️ \`/lab deploy openstack\` was cancelled by <@${OTHER_ADMIN}> after \\d+(\\.\\d)? (s|min)`,
      ),
    );
    expect(cancelButton(final)).toBeUndefined();
    expect(await ended(jobId)).toEqual({ state: 'failed', reason: `cancelled by <@${OTHER_ADMIN}>` });

    // packstack and its process group are gone from the host; it never finished
    expect(await until(() => d.packstackPids().length === 0, 10_000)).toBe(true);
    const calls = readFileSync(d.standIns.callsPath, 'utf8');
    expect(calls.match(/^packstack --answer-file=/gm)).toHaveLength(1);
    // the message as the channel shows it now: cancelled, with no button left on it
    const now = labops.slack.message(SLACK_IDS.channelId, ts);
    expect(now?.text).toMatch(/cancelled by/);
    expect(JSON.stringify(now?.blocks ?? [])).not.toContain('labops_cancel_job');
  }, 150_000);

  it('a long ntp status: the chronyc still running on a host is killed, the message says who', async () => {
    // client-sync's chronyc now hangs once SSH answered: the status check of ntp_clients waits on it
    const chronyc = join(d.lab.dir, 'hosts', 'client-sync', 'bin', 'chronyc');
    const real = readFileSync(chronyc, 'utf8');
    writeFileSync(chronyc, `#!/bin/sh\nexec ${HANG}\n`);
    chmodSync(chronyc, 0o755);
    try {
      labops.slack.reset();
      await labops.slash('ntp status ntp_clients', { user: ADMIN });
      await labops.slack.waitForCount('chat.postMessage', 1, 5000);
      const ts = labops.slack.messages(SLACK_IDS.channelId).at(-1)?.ts as string;
      // the other hosts fill the message in; the button stays while client-sync's check runs
      const shown = await labops.slack.waitFor(
        (c) =>
          c.method === 'chat.update' &&
          c.args.ts === ts &&
          /client-drift/.test(textOf(c)) &&
          cancelButton(c) !== undefined,
        30_000,
      );
      expect(await until(() => processesMatching(HANG).length > 0, 10_000)).toBe(true);
      const jobId = String(cancelButton(shown)?.value);
      expect((await queue.getJob(jobId))?.name).toBe('ntp.status');

      expect((await clickCancel(OTHER_ADMIN, ts, shown)).status).toBe(200);
      const final = await labops.slack.waitFor(
        (c) => c.method === 'chat.update' && c.args.ts === ts && /cancelled by/.test(textOf(c)),
        15_000,
      );
      expect(textOf(final)).toMatch(
        new RegExp(`\`/lab ntp status ntp_clients\` was cancelled by <@${OTHER_ADMIN}> after`),
      );
      expect(textOf(final)).toMatch(/Remote commands still running were stopped/);
      expect(cancelButton(final)).toBeUndefined();
      expect(await ended(jobId)).toEqual({ state: 'failed', reason: `cancelled by <@${OTHER_ADMIN}>` });
      // the hanging chronyc is gone from the host
      expect(await until(() => processesMatching(HANG).length === 0, 10_000)).toBe(true);
    } finally {
      writeFileSync(chronyc, real);
    }
  }, 90_000);
});
