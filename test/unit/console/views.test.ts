import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPipeView } from '../../../src/console/pipe-view.js';
import { createTtyView } from '../../../src/console/tty-view.js';
import { screenOf } from '../../support/terminal-screen.js';

/** The deploy checklist as labops updates it: nine states of one message. */
const checklist = (step: number) =>
  [`Deploy OpenStack on controller: ${step < 9 ? `running, step ${step}/9` : 'done'}`]
    .concat(Array.from({ length: 9 }, (_, i) => `${i < step ? '✅' : '▫️'} ${i + 1}. step`))
    .join('\n');

describe('on a pipe', () => {
  it('prints each block once, in its final form with its thread, when its command is done', () => {
    let out = '';
    const view = createPipeView((t) => (out += t));
    view.open('console-1', '/lab deploy openstack');
    view.open('console-2', '/lab help');
    view.post('console-1', '1', checklist(0));
    for (let s = 1; s <= 9; s++) view.update('console-1', '1', checklist(s));
    view.reply('console-1', '1', 'Preflight on controller:\n✅ SSH works');
    view.post('console-2', '2', 'the list');
    view.close('console-2');
    expect(out).toBe('lab> /lab help\nthe list\n'); // the deploy is still running: nothing of it yet
    view.close('console-1');
    expect(out.split('Deploy OpenStack on controller').length - 1).toBe(1);
    expect(out).toContain(
      `lab> /lab deploy openstack\n${checklist(9)}\n  │ Preflight on controller:\n  │ ✅ SSH works\n`,
    );
  });

  it('prints a message no command waits for (an alert) as it comes', () => {
    let out = '';
    const view = createPipeView((t) => (out += t));
    view.post('C-alerts', '1', '🔴 client-drift: drifting');
    expect(out).toBe('🔴 client-drift: drifting\n');
  });
});

describe('on a terminal', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('redraws a running block in place, then leaves its final form once', () => {
    let out = '';
    const view = createTtyView({ write: (t) => (out += t), columns: () => 80, rows: () => 40 });
    view.open('console-1', '/lab deploy openstack');
    view.post('console-1', '1', checklist(0));
    vi.advanceTimersByTime(100);
    view.open('console-2', '/lab ntp status');
    view.post('console-2', '2', '⏳ checking 13 hosts…');
    for (let s = 1; s <= 8; s++) {
      view.update('console-1', '1', checklist(s));
      vi.advanceTimersByTime(100);
      // while it runs, the screen shows the latest state only, both blocks each under their command
      const screen = screenOf(out);
      expect(screen.filter((l) => l.startsWith('Deploy OpenStack'))).toEqual([
        `Deploy OpenStack on controller: running, step ${s}/9`,
      ]);
      expect(screen.indexOf('lab> /lab ntp status')).toBeGreaterThan(
        screen.indexOf('lab> /lab deploy openstack'),
      );
    }
    view.update('console-2', '2', 'NTP status of all hosts: 13 in sync');
    view.close('console-2');
    view.update('console-1', '1', checklist(9));
    view.close('console-1');
    view.end();
    const screen = screenOf(out);
    expect(screen).toEqual([
      'lab> /lab ntp status',
      'NTP status of all hosts: 13 in sync',
      'lab> /lab deploy openstack',
      ...checklist(9).split('\n'),
    ]);
    expect(out).toContain('\x1b[J'); // it was redrawn, not printed again
  });
});

describe('on a terminal, a confirmed plan', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows the plan once, then under the confirmed command only what the run adds', () => {
    let out = '';
    const view = createTtyView({ write: (t) => (out += t), columns: () => 80, rows: () => 40 });
    view.open('console-1', '/lab ntp setup');
    view.post('console-1', '1', 'Plan\n• restart chronyd\n(Confirm or Cancel)');
    view.close('console-1');
    view.ask('Apply this plan? ');
    vi.advanceTimersByTime(100);
    view.answered('yes');
    view.open('console-1', '/lab ntp setup (confirmed)');
    view.update('console-1', '1', 'Plan\n• restart chronyd\n✅ Confirmed by console.');
    view.post('console-1', '2', 'NTP setup: 1 changed');
    view.close('console-1');
    view.end();
    expect(screenOf(out)).toEqual([
      'lab> /lab ntp setup',
      'Plan',
      '• restart chronyd',
      '(Confirm or Cancel)',
      'Apply this plan?', // no readline here (input is not a terminal): the question is a line of its own
      'lab> /lab ntp setup (confirmed)',
      '✅ Confirmed by console.',
      'NTP setup: 1 changed',
    ]);
  });
});
