import { describe, expect, it } from 'vitest';
import type { DispatchResult } from '../../../src/bot/dispatch.js';
import type { BudgetAnswer } from '../../../src/limits/command-budget.js';
import { retryIn } from '../../../src/limits/command-budget.js';
import { type CommandLimitsDeps, limitCommands, startsAJob } from '../../../src/limits/command-limits.js';
import { queueFullRefusal, rateRefusal } from '../../../src/limits/render-limits.js';

const who = { user: 'U1', channel: 'C1' };
const queued: DispatchResult = { kind: 'job', jobId: '1', messageTs: '1.1' };

/** The wrapper around a handler that always queues, with an in-memory budget of `limit` commands. */
function limited(over: Partial<CommandLimitsDeps> = {}, limit = 2) {
  let used = 0;
  const calls: string[] = [];
  const handle = limitCommands(
    async (text) => {
      calls.push(text);
      return queued;
    },
    {
      budget: {
        limit,
        take: async (): Promise<BudgetAnswer> =>
          ++used > limit ? { ok: false, used: limit, retryInMs: 42_300 } : { ok: true },
      },
      waitingJobs: async () => 0,
      maxWaitingJobs: 100,
      available: () => true,
      now: () => 0,
      log: { warn: () => undefined },
      ...over,
    },
  );
  return { handle, calls };
}

describe('which commands count against the budget', () => {
  it('counts commands that start a job, not help, bad text or the quick answers', () => {
    for (const text of ['ntp status', 'ntp status client-sync', 'ntp plan all', 'ntp setup', 'network check'])
      expect(startsAJob(text), text).toBe(true);
    for (const text of ['', 'help', 'jobs', 'cancel 12', 'history 5', 'ntp alerts', 'ntp stat', '$(reboot)'])
      expect(startsAJob(text), text).toBe(false);
  });
});

describe('limitCommands', () => {
  it('lets commands through until the budget is used, then refuses with the reason as a refusal outcome', async () => {
    const { handle, calls } = limited();
    expect(await handle('ntp status', who)).toBe(queued);
    expect(await handle('ntp status', who)).toBe(queued);
    const refused = await handle('ntp status', who);
    expect(refused).toEqual({
      kind: 'reply',
      message: { text: rateRefusal(2, 2, 42_300) },
      outcome: 'refused: rate limit (2 commands in the last minute)',
    });
    expect(calls).toHaveLength(2);
    // cancel and help still reach the handler
    await handle('cancel 7', who);
    await handle('help', who);
    expect(calls.slice(2)).toEqual(['cancel 7', 'help']);
  });

  it('refuses while the queue holds the most waiting jobs it may, without using the budget', async () => {
    let waiting = 5;
    const { handle } = limited({ waitingJobs: async () => waiting, maxWaitingJobs: 5 }, 1);
    const refused = await handle('ntp status', who);
    expect(refused).toMatchObject({ outcome: 'refused: queue full (5 waiting)' });
    waiting = 4;
    expect(await handle('ntp status', who)).toBe(queued); // the budget of 1 was not spent on the refusal
  });

  it('lets the command through when Redis is down or does not answer (the handler reports the outage)', async () => {
    const down = limited({ available: () => false }, 0);
    expect(await down.handle('ntp status', who)).toBe(queued);
    const hung = limited({ waitingJobs: () => new Promise<number>(() => undefined) });
    expect(await hung.handle('ntp status', who)).toBe(queued);
  });
});

describe('refusal texts', () => {
  it('say what happened, that nothing started, and when to try again', () => {
    expect(rateRefusal(20, 20, 12_001)).toBe(
      'You ran 20 commands in the last minute (the limit is 20 a minute per person); nothing was started. Try again in 13 s. `/lab jobs`, `/lab cancel` and `/lab help` still work.',
    );
    expect(queueFullRefusal(100, 100)).toMatch(
      /^labops already has 100 jobs waiting for a worker \(the limit is 100\); nothing was started\. Try again when `\/lab jobs` shows fewer waiting/,
    );
  });

  it('retry time: until the oldest counted command leaves the window, at least a second', () => {
    expect(retryIn(1_000, 60_000, 31_000)).toBe(30_000);
    expect(retryIn(1_000, 60_000, 61_000)).toBe(1000);
  });
});
