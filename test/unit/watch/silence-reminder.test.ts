import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/bot/grammar.js';
import { reminderDue } from '../../../src/watch/reminder.js';
import { alertCommand, withAlertActions } from '../../../src/watch/render-alert-actions.js';
import { endedSilences, parseSilenceDuration, type Silence, silenceOf } from '../../../src/watch/silence.js';
import { type HostRecord, newRecord } from '../../../src/watch/watch-state.js';

const H = 3600_000;
const T0 = Date.UTC(2026, 0, 1);

describe('silence durations', () => {
  it('reads 30m, 2h, 1d and until-sync', () => {
    expect(parseSilenceDuration('30m')).toEqual({ ms: 30 * 60_000 });
    expect(parseSilenceDuration('2h')).toEqual({ ms: 2 * H });
    expect(parseSilenceDuration('1D')).toEqual({ ms: 24 * H });
    expect(parseSilenceDuration('7d')).toEqual({ ms: 7 * 24 * H });
    expect(parseSilenceDuration('until-sync')).toEqual({});
  });
  it('refuses more than 7 days, zero and words, saying what is valid', () => {
    expect(() => parseSilenceDuration('8d')).toThrow(/at most 7 days/);
    expect(() => parseSilenceDuration('169h')).toThrow(/at most 7 days/);
    expect(() => parseSilenceDuration('0m')).toThrow(/use 30m, 2h, 1d \(at most 7 days\) or until-sync/);
    expect(() => parseSilenceDuration('soon')).toThrow(/`soon` is not a duration/);
  });
  it('the command takes a free-text reason after the duration', () => {
    expect(parseCommand('ntp silence web1 2h disk swap on the hypervisor')).toMatchObject({
      args: ['web1', '2h', 'disk swap on the hypervisor'],
    });
    expect(parseCommand('ntp silence ntp_clients until-sync')).toMatchObject({
      args: ['ntp_clients', 'until-sync'],
    });
    expect(() => parseCommand('ntp silence web1')).toThrow(/Missing the duration/);
    expect(() => parseCommand('ntp ack web1 web2')).toThrow(/Too many arguments/);
  });
});

const silence = (fields: Partial<Silence>): Silence => ({
  scope: 'web1',
  hosts: ['web1'],
  by: 'U1',
  at: T0,
  ...fields,
});
const record = (fields: Partial<HostRecord>): HostRecord => ({ ...newRecord('web1', T0), ...fields });

describe('silences in force and ending', () => {
  it('a timed silence covers its hosts until its time, one until sync until the watch ends it', () => {
    const timed = silence({ until: T0 + H });
    expect(silenceOf([timed], 'web1', T0 + H - 1)).toBe(timed);
    expect(silenceOf([timed], 'web1', T0 + H)).toBeUndefined();
    expect(silenceOf([timed], 'web2', T0)).toBeUndefined();
    expect(silenceOf([silence({})], 'web1', T0 + 100 * H)).toBeDefined();
  });
  it('ends timed ones when due, until-sync ones once every host of theirs is in sync and steady', () => {
    const timed = silence({ until: T0 + H });
    const sync = silence({ scope: 'web', hosts: ['web1', 'web2'] });
    const bad = new Map([
      ['web1', record({ state: 'ok' })],
      ['web2', record({ host: 'web2', state: 'critical' })],
    ]);
    expect(endedSilences([timed, sync], bad, T0 + H - 1)).toEqual([]);
    expect(endedSilences([timed, sync], bad, T0 + H)).toEqual([timed]);
    const flapping = { since: T0, announced: 'ok' as const, state: 'ok' as const, stable: 1 };
    const good = new Map([
      ['web1', record({ state: 'ok' })],
      ['web2', record({ host: 'web2', state: 'ok', flapping })],
    ]);
    expect(endedSilences([sync], good, T0)).toEqual([]); // still flapping
    good.set('web2', record({ host: 'web2', state: 'ok' }));
    expect(endedSilences([sync], good, T0)).toEqual([sync]);
  });
});

describe('reminders of an unacknowledged critical alert', () => {
  const open = record({
    state: 'critical',
    since: T0,
    incident: { id: 'web1@1', openedAt: T0 },
    threads: { 'web1@1': { ts: '1.1', headline: 'x' } },
  });
  it('are due every remindMs after the alert, then after the last reminder', () => {
    expect(reminderDue(open, T0 + H - 1, H, false)).toBe(false);
    expect(reminderDue(open, T0 + H, H, false)).toBe(true);
    const reminded = { ...open, reminded: { incident: 'web1@1', at: T0 + H } };
    expect(reminderDue(reminded, T0 + 2 * H - 1, H, false)).toBe(false);
    expect(reminderDue(reminded, T0 + 2 * H, H, false)).toBe(true);
  });
  it('stop when acknowledged, silenced, not critical, never posted, or remindMs is 0', () => {
    const late = T0 + 10 * H;
    expect(reminderDue({ ...open, ack: { incident: 'web1@1', by: 'U1', at: T0 } }, late, H, false)).toBe(
      false,
    );
    expect(reminderDue(open, late, H, true)).toBe(false);
    expect(reminderDue({ ...open, state: 'warning' }, late, H, false)).toBe(false);
    expect(reminderDue({ ...open, threads: {} }, late, H, false)).toBe(false);
    expect(reminderDue(open, late, 0, false)).toBe(false);
    // an ack of an earlier incident does not quiet a new one
    expect(reminderDue({ ...open, ack: { incident: 'web1@0', by: 'U1', at: T0 } }, late, H, false)).toBe(
      true,
    );
  });
});

describe("an alert's buttons", () => {
  it('Acknowledge, three Silences and Chart under the alert, each naming the host', () => {
    const m = withAlertActions({ text: '🔴 web1: drifting' }, 'web1');
    const actions = m.blocks?.at(-1) as { elements: { action_id: string; value: string }[] };
    expect(actions.elements.map((e) => [e.action_id, e.value])).toEqual([
      ['labops_alert_ack', 'web1'],
      ['labops_alert_silence_1h', 'web1'],
      ['labops_alert_silence_8h', 'web1'],
      ['labops_alert_silence_sync', 'web1'],
      ['labops_alert_fix', 'web1'],
      ['labops_alert_chart', 'web1'],
    ]);
  });
  it('stand for the commands a user could type; anything else is no command', () => {
    expect(alertCommand('labops_alert_ack', 'web1')).toBe('ntp ack web1');
    expect(alertCommand('labops_alert_silence_8h', 'web1')).toBe('ntp silence web1 8h from the alert');
    expect(alertCommand('labops_alert_silence_sync', 'web1')).toBe(
      'ntp silence web1 until-sync from the alert',
    );
    expect(alertCommand('labops_alert_fix', 'web1')).toBe('ntp setup web1');
    expect(alertCommand('labops_alert_reboot', 'web1')).toBeUndefined();
    expect(alertCommand('labops_alert_ack', 'web1; reboot')).toBeUndefined();
  });
});
