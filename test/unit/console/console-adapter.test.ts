import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { DispatchResult, Requester } from '../../../src/bot/dispatch.js';
import { createConsoleSink } from '../../../src/chat/console-sink.js';
import { runConsole } from '../../../src/console/console-adapter.js';
import { createPipeView } from '../../../src/console/pipe-view.js';

/** A deferred: a job the test finishes when it wants. */
function later() {
  let resolve = () => {};
  const done = new Promise<void>((r) => (resolve = r));
  return { done, resolve };
}

describe('the console adapter', () => {
  it('keeps the answers of commands typed while others run together, each block labelled with its command', async () => {
    let out = '';
    const view = createPipeView((t) => (out += t));
    const chat = createConsoleSink(view);
    const slow = later();
    const fast = later();
    const jobs = new Map<string, { finish: Promise<void> }>();
    const dispatch = async (text: string, who: Requester): Promise<DispatchResult> => {
      if (text === 'help') return { kind: 'reply', message: { text: 'the list' } };
      const { ts } = await chat.post(who.channel, { text: `⏳ ${text}: checking…` });
      const job = text === 'ntp status' ? slow : fast;
      // the two jobs update their messages alternately, as two workers do
      void (async () => {
        for (let i = 1; i <= 3; i++) {
          await chat.update(who.channel, ts, { text: `${text}: ${i}/3` });
          await chat.reply(who.channel, ts, { text: `${text} detail ${i}` });
          await new Promise((r) => setImmediate(r));
        }
        job.resolve();
      })();
      jobs.set(ts, { finish: job.done });
      return { kind: 'job', jobId: ts, messageTs: ts };
    };
    const input = new PassThrough();
    input.end('/lab ntp status\n/lab network list\n/lab help\nhello\n');
    await runConsole({
      input,
      view,
      dispatch,
      decide: async () => ({ kind: 'reply', message: { text: 'n/a' } }),
      waitForJob: async (id) => {
        await jobs.get(id)?.finish;
        return id === '2' ? { failure: 'controller unreachable' } : {};
      },
    });
    const block = (command: string, last: string) =>
      [
        `lab> /lab ${command}`,
        `${command}: 3/3`,
        `  │ ${command} detail 1`,
        `  │ ${command} detail 2`,
        `  │ ${command} detail 3`,
        ...(last ? [last] : []),
      ].join('\n');
    expect(out).toContain(block('ntp status', ''));
    expect(out).toContain(block('network list', 'Job 2 failed: controller unreachable'));
    expect(out).toContain('lab> /lab help\nthe list\n');
    expect(out).toContain('Type a /lab command, for example: /lab help\n');
    expect(out.split('ntp status: ').length - 1).toBe(1); // one final form, not one copy per update
  });

  it('shows a plan, asks, and prints what the confirmed run adds under the command', async () => {
    let out = '';
    const view = createPipeView((t) => (out += t));
    const chat = createConsoleSink(view);
    let planTs = '';
    const input = new PassThrough();
    input.end('/lab ntp setup\nyes\n');
    await runConsole({
      input,
      view,
      dispatch: async (_text, who) => {
        planTs = (await chat.post(who.channel, { text: 'Plan\n• restart chronyd\n(Confirm or Cancel)' })).ts;
        return { kind: 'job', jobId: 'p', messageTs: planTs, awaitsConfirmation: true };
      },
      decide: async (_plan, _user, yes) => {
        expect(yes).toBe(true);
        await chat.update('console-1', planTs, { text: 'Plan\n• restart chronyd\n✅ Confirmed by console.' });
        await chat.post('console-1', { text: 'NTP setup: 1 changed' });
        return { kind: 'job', jobId: 'r', messageTs: '9' };
      },
      waitForJob: async (id) => (id === 'p' ? { planId: 'plan-1' } : {}),
    });
    expect(out).toBe(
      [
        'lab> /lab ntp setup',
        'Plan',
        '• restart chronyd',
        '(Confirm or Cancel)',
        'Apply this plan? Type "yes" to confirm; anything else cancels: yes',
        'lab> /lab ntp setup (confirmed)',
        '✅ Confirmed by console.',
        'NTP setup: 1 changed',
        '',
      ].join('\n'),
    );
  });
});
