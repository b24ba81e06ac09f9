import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { DispatchResult, Requester } from '../bot/dispatch.js';

export interface JobOutcome {
  /** The job's failure, as a sentence. */
  failure?: string;
  /** A changing command's plan waiting for confirmation. */
  planId?: string;
}

export interface ConsoleDeps {
  input: Readable;
  write(text: string): void;
  dispatch(text: string, who: Requester): Promise<DispatchResult>;
  /** Confirm (yes) or cancel a plan. */
  decide(planId: string, user: string, yes: boolean): Promise<DispatchResult>;
  waitForJob(jobId: string): Promise<JobOutcome>;
  prompt?: boolean;
}

const WHO: Requester = { user: 'console', channel: 'console' };

/**
 * Reads "/lab ..." lines and prints replies and job updates. A changing command shows its plan and asks on the
 * terminal: the next line answers it. Resolves at end of input once every job finished.
 */
export async function runConsole(deps: ConsoleDeps): Promise<void> {
  const lines = createInterface({ input: deps.input, terminal: false })[Symbol.asyncIterator]();
  const jobs: Promise<unknown>[] = [];
  const prompt = () => deps.prompt && deps.write('lab> ');
  const report = (jobId: string, outcome: JobOutcome) => {
    if (outcome.failure) deps.write(`Job ${jobId} failed: ${outcome.failure}\n`);
  };

  const handle = async (result: DispatchResult): Promise<void> => {
    if (result.kind === 'reply') {
      deps.write(`${result.message.text}\n`);
      return;
    }
    if (!result.awaitsConfirmation) {
      jobs.push(deps.waitForJob(result.jobId).then((o) => report(result.jobId, o)));
      return;
    }
    const outcome = await deps.waitForJob(result.jobId); // the plan: the next line answers it
    report(result.jobId, outcome);
    if (!outcome.planId) return;
    deps.write('Apply this plan? Type "yes" to confirm; anything else cancels: ');
    const answer = await lines.next();
    const yes = !answer.done && /^\s*y(es)?\s*$/i.test(answer.value);
    if (!yes) deps.write('\n');
    await handle(await deps.decide(outcome.planId, WHO.user, yes));
  };

  prompt();
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    const line = next.value.trim();
    const match = line.match(/^\/lab(?:\s+(.*))?$/s);
    if (line && !line.startsWith('#')) {
      if (match) await handle(await deps.dispatch(match[1] ?? '', WHO));
      else deps.write('Type a /lab command, for example: /lab help\n');
    }
    prompt();
  }
  await Promise.all(jobs);
}
