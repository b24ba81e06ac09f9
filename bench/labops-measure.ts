import type { FakeSlack, RecordedCall } from '../test/support/fake-slack.js';
import { postSlashCommand, SLACK_IDS } from '../test/support/slack-request.js';
import { cpuMs, type Sample, withCpu } from './cpu.js';
import { type JobTimes, lastJobTimes } from './labops-log.js';
import type { LabopsChild } from './labops-runner.js';

export const SECRET = 'bench-signing-secret-1234';

const isSummary = (c: RecordedCall) =>
  c.method === 'chat.update' && /^\*?NTP status of/.test(String(c.args.text));
const isReply = (c: RecordedCall) => c.method === 'chat.postMessage' && c.args.thread_ts !== undefined;
const isStart = (c: RecordedCall) => c.method === 'chat.postMessage' && c.args.thread_ts === undefined;

/** One `/lab ntp status` from the signed request to the summary, and where the time went (ms from the request). */
export interface NtpRun {
  total: number;
  /** CPU during the run; tool: labops (the tsx launcher, the node process and their children). */
  cpu: Sample;
  ack: number;
  startMessage: number;
  jobQueued: number;
  jobStarted: number;
  firstProgress: number;
  firstThreadReply: number;
  slackCalls: number;
}

/** Rejects as soon as labops logs that the last job failed (instead of waiting out the summary's timeout). */
async function jobFailure(logPath: string, signal: AbortSignal): Promise<never> {
  while (!signal.aborted) {
    await new Promise((r) => setTimeout(r, 200));
    const { failed } = lastJobTimes(logPath);
    if (failed) throw new Error(`bench: labops failed the job: ${failed}`);
  }
  return new Promise<never>(() => undefined);
}

export function slash(fake: FakeSlack, labops: LabopsChild, text: string) {
  const responseUrl = fake.responseUrl({ channel: SLACK_IDS.channelId, user: SLACK_IDS.userId });
  return postSlashCommand(labops.eventsUrl, SECRET, { text, response_url: responseUrl });
}

/** Runs `/lab ntp status` on every host; throws unless the summary counts `hosts` hosts and no errors. */
export async function ntpStatusRun(
  fake: FakeSlack,
  labops: LabopsChild,
  hosts: number,
  hostCpu: () => number,
): Promise<NtpRun> {
  fake.reset();
  let t0 = 0;
  let ack = 0;
  let summary: RecordedCall | undefined;
  const probe = { tool: () => cpuMs([labops.launcherPid]), hosts: hostCpu };
  const cpu = await withCpu(probe, async () => {
    t0 = Date.now();
    const res = await slash(fake, labops, 'ntp status');
    ack = Date.now() - t0;
    if (res.status !== 200) throw new Error(`bench: slash command answered ${res.status} ${res.body}`);
    const done = new AbortController();
    summary = await Promise.race([
      fake.waitFor(isSummary, 60_000),
      jobFailure(labops.logPath, done.signal),
    ]).finally(() => done.abort());
    return summary.at - t0;
  });
  const text = String(summary?.args.text);
  if (!new RegExp(`Checked ${hosts} hosts`).test(text) || /error/.test(text.split('\n')[0] ?? ''))
    throw new Error(`bench: unexpected summary:\n${text.slice(0, 2000)}`);
  const at = (match: (c: RecordedCall) => boolean) => (fake.calls.find(match)?.at ?? Number.NaN) - t0;
  const job: JobTimes = lastJobTimes(labops.logPath);
  const rel = (t: number | undefined) => (t === undefined ? Number.NaN : t - t0);
  return {
    total: cpu.wallMs,
    cpu,
    ack,
    startMessage: at(isStart),
    jobQueued: rel(job.queued),
    jobStarted: rel(job.started),
    firstProgress: at((c) => c.method === 'chat.update' && !isSummary(c)),
    firstThreadReply: at(isReply),
    slackCalls: fake.calls.filter((c) => c.method.includes('.')).length,
  };
}

/** `concurrency` slash commands at once: ms to each ack, and ms until every one was answered (`answered`). */
export async function ackBurst(
  fake: FakeSlack,
  labops: LabopsChild,
  text: string,
  concurrency: number,
  answered: (c: RecordedCall) => boolean,
): Promise<{ acks: number[]; allAnswered: number }> {
  fake.reset();
  const t0 = Date.now();
  const acks = await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const start = performance.now();
      const res = await slash(fake, labops, text);
      if (res.status !== 200) throw new Error(`bench: "${text}" answered ${res.status} ${res.body}`);
      return performance.now() - start;
    }),
  );
  const calls = await fake.waitForCount(answered, concurrency, 60_000);
  return { acks, allAnswered: Math.max(...calls.map((c) => c.at)) - t0 };
}

export const answeredHelp = (c: RecordedCall) => c.method === 'response_url';
export const answeredNtp = isSummary;
