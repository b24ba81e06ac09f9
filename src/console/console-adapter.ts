import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { DispatchResult, Requester } from '../bot/dispatch.js';

export interface ConsoleDeps {
  input: Readable;
  write(text: string): void;
  dispatch(text: string, who: Requester): Promise<DispatchResult>;
  /** Resolves when the job is done; its failure, if any, as a sentence. */
  waitForJob(jobId: string): Promise<string | undefined>;
  prompt?: boolean;
}

const WHO: Requester = { user: 'console', channel: 'console' };

/** Reads "/lab ..." lines, prints replies and job updates; resolves at end of input once every job finished. */
export async function runConsole(deps: ConsoleDeps): Promise<void> {
  const rl = createInterface({ input: deps.input, terminal: false });
  const jobs: Promise<void>[] = [];
  const prompt = () => deps.prompt && deps.write('lab> ');
  prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) {
      prompt();
      continue;
    }
    const match = line.match(/^\/lab(?:\s+(.*))?$/s);
    if (!match) {
      deps.write('Type a /lab command, for example: /lab help\n');
      prompt();
      continue;
    }
    const result = await deps.dispatch(match[1] ?? '', WHO);
    if (result.kind === 'reply') {
      deps.write(`${result.message.text}\n`);
    } else {
      jobs.push(
        deps.waitForJob(result.jobId).then((failure) => {
          if (failure) deps.write(`Job ${result.jobId} failed: ${failure}\n`);
        }),
      );
    }
    prompt();
  }
  await Promise.all(jobs);
}
