import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JOBS_QUEUE } from '../../src/queue/jobs-queue.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { postInteraction, SLACK_IDS } from '../support/slack-request.js';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

const OWNER: string = SLACK_IDS.userId;
const ADMIN = 'UADMIN2';
const OTHER = 'UOTHER2';

type Element = { type?: string; action_id?: string; value?: string; text?: { text?: string } };
type Block = { type: string; elements?: Element[] };
const cancelButton = (call: RecordedCall) =>
  ((call.args.blocks ?? []) as Block[])
    .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
    .find((e) => e.action_id === 'labops_cancel_job');

describe("a running job's own message: its id and a Cancel button, over signed HTTP against the lab", () => {
  let labops: SlackLabops;
  let queue: Queue;

  beforeAll(async () => {
    labops = await startSlackLabops({
      LAB_ADMINS: ADMIN,
      // client-silent accepts TCP and never answers: a status of ntp_clients waits on it this long
      LAB_SSH_CONNECT_TIMEOUT_MS: '8000',
    });
    queue = new Queue(JOBS_QUEUE, { connection: { url: inject('redisUrl') }, prefix: labops.prefix });
  });
  afterAll(async () => {
    await queue?.close();
    await labops?.close();
  });

  /** Starts the slow status check and waits for its message to show the Cancel button. */
  const startSlowStatus = async () => {
    const { slack } = labops;
    const before = slack.callsTo('chat.postMessage').length;
    await labops.slash('ntp status ntp_clients', { user: OWNER });
    await slack.waitForCount('chat.postMessage', before + 1, 5000);
    const ts = slack.messages(SLACK_IDS.channelId).at(-1)?.ts as string;
    const shown = await slack.waitFor(
      (c) => c.method === 'chat.update' && c.args.ts === ts && cancelButton(c) !== undefined,
      6000,
    );
    return { ts, shown };
  };

  const click = (user: string, jobId: string) =>
    postInteraction(labops.events, labops.secret, {
      user_id: user,
      actions: [{ action_id: 'labops_cancel_job', value: jobId }],
      response_url: labops.slack.responseUrl({ channel: SLACK_IDS.channelId, user }),
    });

  it("shows the job id and Cancel while it runs; someone else's click is refused, the owner's stops it", async () => {
    labops.slack.reset();
    const { ts, shown } = await startSlowStatus();
    const button = cancelButton(shown);
    const jobId = String(button?.value);
    const job = await queue.getJob(jobId);
    expect(job?.data.reply.messageTs).toBe(ts); // the button names this very job
    expect(button?.text?.text).toBe(`Cancel job ${jobId}`);
    expect(await job?.getState()).toBe('active');

    expect((await click(OTHER, jobId)).status).toBe(200);
    const refused = await labops.slack.waitFor(
      (c) => c.method === 'response_url' && /may cancel job/.test(String(c.args.text)),
      5000,
    );
    expect(refused.args.text).toMatch(new RegExp(`Only <@${OWNER}> or a lab admin may cancel job ${jobId}`));
    expect(await job?.getState()).toBe('active');

    expect((await click(OWNER, jobId)).status).toBe(200);
    const end = await labops.slack.waitFor(
      (c) => c.method === 'chat.update' && c.args.ts === ts && /cancelled by/.test(String(c.args.text)),
      5000,
    );
    expect(end.args.text).toMatch(
      new RegExp(`\`/lab ntp status ntp_clients\` was cancelled by <@${OWNER}> after \\d+\\.\\d s`),
    );
    expect(cancelButton(end)).toBeUndefined(); // the final message has no button
    for (let i = 0; i < 50 && (await queue.getJob(jobId).then((j) => j?.getState())) !== 'failed'; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await queue.getJob(jobId))?.failedReason).toBe(`cancelled by <@${OWNER}>`);
  });

  it('a job that ends on its own ends with no button on its message', async () => {
    labops.slack.reset();
    const before = labops.slack.callsTo('chat.postMessage').length;
    await labops.slash('ntp status client-sync', { user: OWNER });
    await labops.slack.waitForCount('chat.postMessage', before + 1, 5000);
    const ts = labops.slack.messages(SLACK_IDS.channelId).at(-1)?.ts as string;
    await labops.slack.waitFor(
      (c) => c.method === 'chat.update' && c.args.ts === ts && /client-sync/.test(String(c.args.text)),
      10_000,
    );
    const jobs = await queue.getJobs(['completed', 'active', 'waiting']);
    const job = jobs.find((j) => j.data.reply?.messageTs === ts);
    for (let i = 0; i < 50 && (await job?.getState()) !== 'completed'; i++)
      await new Promise((r) => setTimeout(r, 100));
    const last = labops.slack
      .callsTo('chat.update')
      .filter((c) => c.args.ts === ts)
      .at(-1);
    expect(last && cancelButton(last)).toBeUndefined();
  });
});
