import type { Readable } from 'node:stream';
import { Job } from 'bullmq';
import { runConsole } from '../console/console-adapter.js';
import { createJobsEvents } from '../queue/jobs-queue.js';
import type { CommandHandling } from './command-handling.js';
import type { Core } from './core.js';
import { WAIT } from './redis-connections.js';

export interface ConsoleIo {
  stdin: Readable & { isTTY?: boolean };
  write(text: string): void;
}

/** The console adapter: `/lab` lines from the terminal, answered there; settles when the input ended and its jobs finished. */
export async function runConsoleRole(core: Core, commands: CommandHandling, io: ConsoleIo): Promise<void> {
  const events = createJobsEvents(core.redis.duplicate(WAIT), core.config.queuePrefix);
  await events.waitUntilReady();
  await runConsole({
    input: io.stdin,
    write: io.write,
    dispatch: commands.handle,
    decide: commands.decide,
    prompt: io.stdin.isTTY === true,
    waitForJob: async (id) => {
      const job = await Job.fromId(core.queue, id);
      if (!job) return { failure: `job ${id} vanished from the queue` };
      return job.waitUntilFinished(events).then(
        (result: { planId?: string } | undefined) => ({ planId: result?.planId }),
        (err: Error) => ({ failure: err.message }),
      );
    },
  });
  await events.close();
}
