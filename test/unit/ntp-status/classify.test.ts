import { describe, expect, it } from 'vitest';
import {
  classifyNtp,
  compareNtpStatus,
  errorStatus,
  type NtpHostStatus,
  STATE_ORDER,
  sortWorstFirst,
} from '../../../src/tasks/chrony/classify.js';
import { parseSources } from '../../../src/tasks/chrony/parse-sources.js';
import { parseTracking, type Tracking } from '../../../src/tasks/chrony/parse-tracking.js';
import type { Source } from '../../../src/tasks/chrony/source.js';
import { FIXTURE_FILES, sections } from './fixtures.js';

const CHECKMK = { warnMs: 200, critMs: 500 };

const HUMAN = { tracking: /^chronyc (-n )?tracking$/, sources: /^chronyc (-n )?sources$/ };
const CSV = { tracking: /^chronyc (-n )?-c tracking$/, sources: /^chronyc (-n )?-c sources$/ };

/** Tracking and sources of a capture: by default from the human forms, which labops reads (one chronyc -m). */
function capture(file: string, form = HUMAN): { tracking: Tracking; sources: Source[] } {
  const all = [...sections(file)];
  const pick = (re: RegExp) => all.find(([k]) => re.test(k))?.[1] ?? '';
  return { tracking: parseTracking(pick(form.tracking)), sources: parseSources(pick(form.sources)) };
}

function classify(file: string, thresholds = CHECKMK): NtpHostStatus {
  const { tracking, sources } = capture(file);
  return classifyNtp(file.replace('.txt', ''), tracking, sources, thresholds);
}

describe('classifyNtp on real captures', () => {
  it('sync: ok, with the selected source and the offset from tracking', () => {
    const s = classify('sync.txt');
    expect(s).toMatchObject({ host: 'sync', state: 'ok', offsetSeconds: -0.00000139, stratum: 4 });
    expect(s.selected?.address).toBe('127.0.0.41');
    expect(s.hint).toBeUndefined();
  });

  it('drift: 3 s slow is critical above 500 ms, and says so in words', () => {
    const s = classify('drift.txt');
    expect(s.state).toBe('critical');
    expect(s.offsetSeconds).toBe(3.000011444);
    expect(s.reason).toBe('clock 3.0 s slow of NTP time (critical above 500 ms)');
    expect(s.hint).toMatch(/chronyc makestep/);
    expect(s.selected?.address).toBe('127.0.0.43');
  });

  it('drift-12s: critical with the offset in seconds', () => {
    expect(classify('drift-12s.txt')).toMatchObject({
      state: 'critical',
      reason: 'clock 12.3 s slow of NTP time (critical above 500 ms)',
    });
  });

  it('unsync: not synchronised because its only source never answered', () => {
    const s = classify('unsync.txt');
    expect(s.state).toBe('unsynchronised');
    expect(s.reason).toBe('all 1 sources unreachable (127.0.0.49 reach 0)');
    expect(s.hint).toMatch(/UDP 123/);
    expect(s.offsetSeconds).toBeUndefined();
  });

  it('server-lost: leap status still Normal, but reach 0 and nothing selected is not synchronised', () => {
    const { tracking } = capture('server-lost.txt');
    expect(tracking.leapStatus).toBe('Normal');
    expect(classify('server-lost.txt')).toMatchObject({
      state: 'unsynchronised',
      reason: 'all 1 sources unreachable (127.0.2.1 reach 0)',
    });
  });

  it('local-server: a time server serving its own clock is ok', () => {
    const s = classify('local-server.txt');
    expect(s).toMatchObject({ state: 'ok', stratum: 3, reason: 'serving local clock, stratum 3' });
    expect(s.selected).toBeUndefined();
  });

  it('modes: ok though its peer and refclock are unreachable, since its server is selected', () => {
    const s = classify('modes.txt');
    expect(s.state).toBe('ok');
    expect(s.selected?.address).toBe('127.0.2.1');
  });

  it('falseticker-minutes: ok, following the two servers that agree', () => {
    expect(classify('falseticker-minutes.txt').selected?.address).toBe('127.0.2.2');
  });
});

// labops read the -c forms from two more chronyc runs before; the human forms must lead to the same verdicts.
describe('classifyNtp: the human forms give what the -c forms gave', () => {
  const both = FIXTURE_FILES.filter((f) => {
    const names = [...sections(f).keys()];
    return [HUMAN.tracking, HUMAN.sources, CSV.tracking, CSV.sources].every((re) =>
      names.some((k) => re.test(k)),
    );
  });

  it('finds captures with both forms of both reports', () => {
    expect(both.length).toBeGreaterThanOrEqual(8);
  });

  it.each(both)('%s: same state, reason, hint, offset and selected source', (file) => {
    const verdict = (form: typeof HUMAN) => {
      const { tracking, sources } = capture(file, form);
      const { selected, ...status } = classifyNtp('h', tracking, sources, CHECKMK);
      // the table rounds the source's own offsets, which no verdict uses
      return {
        ...status,
        selected: selected && { ...selected, offsetSeconds: 0, measuredOffsetSeconds: 0, errorSeconds: 0 },
      };
    };
    expect(verdict(HUMAN)).toEqual(verdict(CSV));
  });
});

describe('classifyNtp thresholds', () => {
  const { tracking, sources } = capture('sync.txt');
  const at = (seconds: number, thresholds = { warnMs: 50, critMs: 500 }) =>
    classifyNtp('h', { ...tracking, systemTimeSeconds: seconds }, sources, thresholds);

  it.each([
    [0.05, 'ok'], // exactly at the warning threshold is still ok
    [0.0501, 'warning'],
    [-0.0501, 'warning'], // fast counts as much as slow
    [0.5, 'warning'],
    [0.5001, 'critical'],
    [-3, 'critical'],
  ])('offset %d s with 50/500 ms is %s', (seconds, state) => {
    expect(at(seconds).state).toBe(state);
  });

  it('names the threshold that was crossed', () => {
    expect(at(-0.12).reason).toBe('clock 120 ms fast of NTP time (warning above 50 ms)');
  });

  it('drift of 3 s is only a warning when critical starts at 5 s', () => {
    const { tracking: t, sources: s } = capture('drift.txt');
    expect(classifyNtp('h', t, s, { warnMs: 1000, critMs: 5000 }).state).toBe('warning');
    expect(classifyNtp('h', t, s, { warnMs: 4000, critMs: 5000 }).state).toBe('ok');
  });
});

describe('classifyNtp when not synchronised', () => {
  const { tracking, sources } = capture('sync.txt');

  it('says no source is selected when all are falsetickers or unusable', () => {
    const bad = sources.map((s) => ({
      ...s,
      state: s.state === 'selected' ? ('falseticker' as const) : s.state,
    }));
    const s = classifyNtp('h', tracking, bad, CHECKMK);
    expect(s.state).toBe('unsynchronised');
    expect(s.reason).toBe(
      'no source selected (127.0.0.41 falseticker, 127.0.0.42 combined, 127.0.0.43 falseticker)',
    );
    expect(s.hint).toMatch(/servers disagree/);
  });

  it('trusts leap status "Not synchronised" even with reachable sources', () => {
    const s = classifyNtp('h', { ...tracking, leapStatus: 'Not synchronised' }, sources, CHECKMK);
    expect(s.state).toBe('unsynchronised');
    expect(s.reason).toMatch(/^chronyd has not synchronised yet \(127\.0\.0\.41 selected/);
  });

  it('says when there are no sources at all', () => {
    const s = classifyNtp('h', { ...tracking, leapStatus: 'Not synchronised' }, [], CHECKMK);
    expect(s.reason).toBe('no time sources configured');
    expect(s.hint).toMatch(/server lines/);
  });

  it('lists at most three unreachable sources', () => {
    const dead = [1, 2, 3, 4, 5].map((i) => ({
      ...(sources[0] as Source),
      address: `192.0.2.${i}`,
      reach: 0,
      reachRaw: '0',
    }));
    expect(classifyNtp('h', tracking, dead, CHECKMK).reason).toBe(
      'all 5 sources unreachable (192.0.2.1 reach 0, 192.0.2.2 reach 0, 192.0.2.3 reach 0, and 2 more)',
    );
  });

  it('a local-clock server whose upstream servers are all unreachable is not synchronised', () => {
    const local = capture('local-server.txt').tracking;
    const dead = sources.map((s) => ({ ...s, state: 'unusable' as const, reach: 0, reachRaw: '0' }));
    const s = classifyNtp('ntp1', local, dead, CHECKMK);
    expect(s.state).toBe('unsynchronised');
    expect(s.reason).toMatch(/^serving its local clock \(stratum 3\) because all 3 sources unreachable/);
  });
});

describe('errorStatus and ordering', () => {
  it('builds an error status with code, message and hint', () => {
    expect(
      errorStatus('web-1', 'unreachable', 'connection refused (127.0.2.10:2222)', 'Is sshd running?'),
    ).toEqual({
      host: 'web-1',
      state: 'error',
      errorCode: 'unreachable',
      reason: 'connection refused (127.0.2.10:2222)',
      hint: 'Is sshd running?',
    });
  });

  it('orders states worst first', () => {
    expect(STATE_ORDER).toEqual(['error', 'unsynchronised', 'critical', 'warning', 'ok']);
  });

  it('sorts worst first, then by host name with numbers in order', () => {
    const mk = (host: string, state: NtpHostStatus['state']): NtpHostStatus => ({ host, state });
    const sorted = sortWorstFirst([
      mk('web-10', 'ok'),
      mk('web-2', 'ok'),
      mk('db-1', 'warning'),
      mk('b', 'error'),
      mk('a', 'error'),
      mk('x', 'critical'),
      mk('y', 'unsynchronised'),
    ]);
    expect(sorted.map((s) => s.host)).toEqual(['a', 'b', 'y', 'x', 'db-1', 'web-2', 'web-10']);
    expect(compareNtpStatus(mk('a', 'ok'), mk('a', 'ok'))).toBe(0);
  });
});
