import { describe, expect, it } from 'vitest';
import { notStarted, QUEUE_UNREACHABLE } from '../../../src/bot/not-started.js';
import { applyJobId, isLabopsJobId } from '../../../src/queue/job-envelope.js';
import { fanOutSignal } from '../../../src/workers/fan-out-signal.js';

describe('isLabopsJobId', () => {
  it("takes BullMQ's counter ids and confirmed changes' ids", () => {
    expect(isLabopsJobId('1')).toBe(true);
    expect(isLabopsJobId('4711')).toBe(true);
    expect(isLabopsJobId(applyJobId('0b7c4c1e-1d7e-4a53-9d8e-3f3c1b2a9e10'))).toBe(true);
  });
  it("refuses BullMQ's own keys and anything else", () => {
    for (const id of [
      'meta',
      'id',
      'events',
      'stalled-check',
      '0',
      '01',
      'apply-x',
      'apply-',
      '1 2',
      '',
      '-1',
    ])
      expect(isLabopsJobId(id), id).toBe(false);
  });
});

describe('notStarted', () => {
  const slackError = (error: string) =>
    Object.assign(new Error('x'), { code: 'slack_webapi_platform_error', data: { error } });
  it('names Slack errors by their code, and what to do', () => {
    expect(notStarted(slackError('ratelimited'), 'Try again.')).toEqual({
      text: 'Slack refused my message (ratelimited); nothing was started. Try again.',
      outcome: 'not started: Slack answered ratelimited',
    });
    expect(notStarted(slackError('not_in_channel'), '').text).toMatch(/Invite me with `\/invite @labops`/);
  });
  it('anything else on the way to the queue: the queue is unreachable', () => {
    const why = notStarted(new Error('Connection is closed.'), 'Try again.');
    expect(why.text).toBe(QUEUE_UNREACHABLE);
    expect(why.outcome).toBe('not started: queue unreachable (Connection is closed.)');
    // a stalled Redis may still run what it was sent: no promise that nothing started
    expect(notStarted(new Error('Command timed out'), '').text).toMatch(/may still start in a moment/);
  });
});

describe('fanOutSignal', () => {
  it('one listener on the shared signal, however many children; all abort with it', () => {
    const parent = new AbortController();
    let added = 0;
    const add = parent.signal.addEventListener.bind(parent.signal);
    parent.signal.addEventListener = (...args: Parameters<AbortSignal['addEventListener']>) => {
      added++;
      add(...args);
    };
    const fan = fanOutSignal(parent.signal);
    const children = Array.from({ length: 40 }, () => fan.child());
    expect(added).toBe(1);
    parent.abort('cancelled by <@U1>');
    expect(children.every((c) => c.aborted && c.reason === 'cancelled by <@U1>')).toBe(true);
    expect(fan.child().aborted).toBe(true);
    fan.close();
  });
});
