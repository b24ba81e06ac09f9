import type { FakeSlack, RecordedCall } from '../test/support/fake-slack.js';
import { postSlashCommand, SLACK_IDS } from '../test/support/slack-request.js';
import type { RoleProcess } from './scale-roles.js';

/** One `/lab ntp status all`, from the signed slash command to the final message, and what it cost. */
export interface ScaleRun {
  ms: number;
  workerCpuMs: number;
  botCpuMs: number;
  /** The bench process: the simulated fleet, the fake Slack, this script. */
  benchCpuMs: number;
  slackCalls: number;
  progressUpdates: number;
  /** JSON bytes of the final message's text and blocks, and of the file in its thread (0 when none). */
  finalBytes: number;
  fileBytes: number;
  summaryFirstLine: string;
}

const ownCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const isSummary = (c: RecordedCall) =>
  c.method === 'chat.update' && /^NTP status of/.test(String(c.args.text));

export async function ntpStatusAll(
  o: {
    fake: FakeSlack;
    eventsUrl: string;
    secret: string;
    bot: Pick<RoleProcess, 'cpuMs'>;
    /** The worker process, or several measured as one (their CPU summed). */
    worker: Pick<RoleProcess, 'cpuMs'>;
  },
  expect: { hosts: number },
): Promise<ScaleRun> {
  const { fake } = o;
  fake.reset();
  const before = { worker: o.worker.cpuMs(), bot: o.bot.cpuMs(), bench: ownCpuMs() };
  const t0 = Date.now();
  const res = await postSlashCommand(o.eventsUrl, o.secret, {
    text: 'ntp status all',
    response_url: fake.responseUrl({ channel: SLACK_IDS.channelId, user: SLACK_IDS.userId }),
  });
  if (res.status !== 200) throw new Error(`bench: the slash command got ${res.status}: ${res.body}`);
  const summary = await fake.waitFor(isSummary, 600_000);
  const ms = summary.at - t0;
  const after = { worker: o.worker.cpuMs(), bot: o.bot.cpuMs(), bench: ownCpuMs() };
  const text = String(summary.args.text);
  const counted = /^NTP status of [^:]*: (.*)$/m.exec(text)?.[1] ?? '';
  const total = [...counted.matchAll(/(\d+) /g)].reduce((n, m) => n + Number(m[1]), 0);
  if (total !== expect.hosts)
    throw new Error(`bench: the summary counts ${total} hosts, not ${expect.hosts}: ${text.split('\n')[0]}`);
  const calls = fake.calls.filter((c) => c.method !== 'response_url');
  const file = fake.files().find((f) => f.thread_ts === summary.args.ts);
  return {
    ms,
    workerCpuMs: after.worker - before.worker,
    botCpuMs: after.bot - before.bot,
    benchCpuMs: after.bench - before.bench,
    slackCalls: calls.length,
    progressUpdates: calls.filter((c) => c.method === 'chat.update').length - 1,
    finalBytes: Buffer.byteLength(JSON.stringify({ text: summary.args.text, blocks: summary.args.blocks })),
    fileBytes: file?.content?.length ?? 0,
    summaryFirstLine: text.split('\n')[0] ?? '',
  };
}
