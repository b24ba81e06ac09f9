import type { Readable } from 'node:stream';
import { Job } from 'bullmq';
import type { GatedCommands } from '../bot/lab-gate.js';
import { runConsole } from '../console/console-adapter.js';
import type { ConsoleView } from '../console/console-view.js';
import { createJobsEvents } from '../queue/jobs-queue.js';
import type { Core } from './core.js';
import { WAIT } from './redis-connections.js';

export interface ConsoleIo {
  stdin: Readable & { isTTY?: boolean };
  /** The terminal readline echoes to and prompts on, when a person types at a terminal that shows the live view. */
  terminal?: NodeJS.WritableStream;
  /** Commands run before the first line of stdin (the demo's opening ones). */
  first?: readonly string[];
}

/** The console adapter: `/lab` lines from the terminal, answered there; settles when the input ended and its jobs finished. */
export async function runConsoleRole(
  core: Core,
  view: ConsoleView,
  commands: GatedCommands,
  io: ConsoleIo,
): Promise<void> {
  const events = createJobsEvents(core.redis.duplicate(WAIT), core.config.queuePrefix);
  await events.waitUntilReady();
  await runConsole({
    input: io.stdin,
    view,
    first: io.first,
    terminal: view.terminal && io.stdin.isTTY === true ? io.terminal : undefined,
    dispatch: commands.handle,
    decide: commands.decide,
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
