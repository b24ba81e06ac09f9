import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { DispatchResult, Requester } from '../bot/dispatch.js';
import type { ConsoleView } from './console-view.js';

export interface JobOutcome {
  /** The job's failure, as a sentence. */
  failure?: string;
  /** A changing command's plan waiting for confirmation. */
  planId?: string;
}

export interface ConsoleDeps {
  input: Readable;
  /** Where the answers are shown: a pipe's transcript or a terminal's live blocks. */
  view: ConsoleView;
  /** The terminal readline echoes to and prompts on, when input and output are both terminals. */
  terminal?: NodeJS.WritableStream;
  dispatch(text: string, who: Requester): Promise<DispatchResult>;
  /** Confirm (yes) or cancel a plan. */
  decide(planId: string, user: string, yes: boolean): Promise<DispatchResult>;
  waitForJob(jobId: string): Promise<JobOutcome>;
  /** Commands run before the first input line (the demo's opening /lab help and /lab ntp status). */
  first?: readonly string[];
}

const USER = 'console';
/** Each typed command answers on a channel of its own, so its answers stay together however the jobs interleave. */
export const consoleChannel = (n: number) => `console-${n}`;

/**
 * Reads "/lab ..." lines and shows each command's answers as one block labelled with it. A changing command shows
 * its plan and asks: the next line answers it. Resolves at end of input once every job finished.
 */
export async function runConsole(deps: ConsoleDeps): Promise<void> {
  const { view } = deps;
  const rl = createInterface({
    input: deps.input,
    ...(deps.terminal ? { output: deps.terminal, terminal: true } : { terminal: false }),
  });
  if (deps.terminal) {
    view.attach?.(rl);
    // readline in raw mode reads Ctrl-C as a key: hand it on as the signal it is (labops stops cleanly on it)
    rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
  }
  const lines = rl[Symbol.asyncIterator]();
  const jobs: Promise<unknown>[] = [];
  let count = 0;

  const finish = (channel: string, jobId: string, outcome: JobOutcome) => {
    if (outcome.failure) view.post(channel, `job-${jobId}-failed`, `Job ${jobId} failed: ${outcome.failure}`);
    view.close(channel);
  };
  const handle = async (result: DispatchResult, channel: string, line: string): Promise<void> => {
    if (result.kind === 'reply') {
      view.post(channel, `reply-${++count}`, result.message.text);
      view.close(channel);
      return;
    }
    if (!result.awaitsConfirmation) {
      jobs.push(deps.waitForJob(result.jobId).then((o) => finish(channel, result.jobId, o)));
      return;
    }
    const outcome = await deps.waitForJob(result.jobId); // the plan: the next line answers it
    finish(channel, result.jobId, outcome);
    if (!outcome.planId) return;
    view.ask('Apply this plan? Type "yes" to confirm; anything else cancels: ');
    const answer = await lines.next();
    const text = answer.done ? '' : answer.value.trim();
    view.answered(text);
    const yes = /^y(es)?$/i.test(text);
    view.open(channel, `${line} (${yes ? 'confirmed' : 'cancelled'})`);
    await handle(await deps.decide(outcome.planId, USER, yes), channel, line);
  };

  const command = async (typed: string) => {
    const line = typed.trim();
    const match = line.match(/^\/lab(?:\s+(.*))?$/s);
    if (!line || line.startsWith('#')) return;
    if (!match) return view.note('Type a /lab command, for example: /lab help');
    const channel = consoleChannel(++count);
    view.open(channel, line);
    await handle(await deps.dispatch(match[1] ?? '', { user: USER, channel }), channel, line);
  };
  for (const line of deps.first ?? []) await command(line);
  for (let next = await lines.next(); !next.done; next = await lines.next()) await command(next.value);
  await Promise.all(jobs);
  view.end();
}
