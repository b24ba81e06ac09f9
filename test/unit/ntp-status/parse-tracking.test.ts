import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import {
  parseTracking,
  parseTrackingCsv,
  parseTrackingText,
  type Tracking,
} from '../../../src/tasks/chrony/parse-tracking.js';
import { splitStatusOutput } from '../../../src/tasks/chrony/remote-command.js';
import { allSections, FIXTURE_FILES, section, sections, thrown } from './fixtures.js';

const HUMAN = /^chronyc (-n )?tracking$/;
const CSV = /^chronyc (-n )?-c tracking$/;
const parsable = (text: string) => !text.startsWith('506 ');

describe('parseTracking on every capture', () => {
  const human = allSections(HUMAN).filter(([, , text]) => parsable(text));
  const csv = allSections(CSV);

  it('finds captures of both forms', () => {
    expect(human.length).toBeGreaterThanOrEqual(7);
    expect(csv.length).toBe(human.length);
  });

  it.each(human)('%s: %s parses', (_file, _cmd, text) => {
    const t = parseTrackingText(text);
    expect(t.refId).toMatch(/^[0-9A-F]{8}$/);
    expect(parseTracking(text)).toEqual(t);
  });

  it.each(csv)('%s: %s parses', (_file, _cmd, text) => {
    const t = parseTrackingCsv(text);
    expect(t.refId).toMatch(/^[0-9A-F]{8}$/);
    expect(parseTracking(text)).toEqual(t);
  });

  // Both forms were captured a moment apart, so only root dispersion may move (by a few ns).
  it.each(FIXTURE_FILES.filter((f) => [...sections(f).keys()].some((k) => CSV.test(k))))(
    '%s: -c and human forms agree',
    (file) => {
      const all = [...sections(file)];
      const human = parseTrackingText(all.find(([k]) => HUMAN.test(k))?.[1] ?? '');
      const csv = parseTrackingCsv(all.find(([k]) => CSV.test(k))?.[1] ?? '');
      const { rootDispersionSeconds: hd, ...h } = human;
      const { rootDispersionSeconds: cd, ...c } = csv;
      expect(h).toEqual(c);
      expect(Math.abs(hd - cd)).toBeLessThan(1e-8);
    },
  );
});

describe('parseTrackingText on the reports of the status command (one chronyc -m run)', () => {
  const tracking = (scenario: string) =>
    parseTrackingText(
      splitStatusOutput(section('status-command.txt', `NTP_STATUS_COMMAND: ${scenario}`)).tracking.output,
    );
  const runs = [...sections('status-command.txt')]
    .map(([name, stdout]) => [name, splitStatusOutput(stdout)] as const)
    .filter(([, out]) => out.chronyc.exitCode === 0);

  it.each(runs)('%s: parses', (_name, out) => {
    expect(parseTrackingText(out.tracking.output).refId).toMatch(/^[0-9A-F]{8}$/);
  });

  it('keeps the nine decimals chronyc prints, as -c does', () => {
    expect(tracking('client whose only server runs 3 s fast (drift)').systemTimeSeconds).toBe(3.000002384);
    expect(tracking('client whose only server is 12.3 s away (drift)').systemTimeSeconds).toBe(12.299999237);
    expect(tracking('client (server, peer, refclock)').systemTimeSeconds).toBe(-0.000001668);
    const far = tracking('client of three servers, the third 100000 s away (falseticker in minutes)');
    expect(far.rmsOffsetSeconds).toBe(21702.830078125);
  });

  it('reads the states classification needs: local clock, no reference, not synchronised', () => {
    expect(tracking('time server (local stratum 3)')).toMatchObject({
      refId: '7F7F0101',
      refName: '',
      stratum: 3,
      leapStatus: 'Normal',
    });
    expect(tracking('client whose only server never answered (unsynchronised)')).toMatchObject({
      refId: '00000000',
      stratum: 0,
      leapStatus: 'Not synchronised',
    });
    expect(tracking('client whose only server stopped 4 s earlier (server lost)')).toMatchObject({
      refName: '127.0.73.104',
      leapStatus: 'Normal',
    });
  });
});

describe('parseTracking: meaning of the fields', () => {
  it('reads "seconds slow of NTP time" as positive, like chronyc -c (drift: clock 3 s slow)', () => {
    const t = parseTrackingText(section('drift.txt', 'chronyc tracking'));
    expect(t).toEqual<Tracking>({
      refId: '7F00002B',
      refName: '127.0.0.43',
      stratum: 4,
      systemTimeSeconds: 3.000011444,
      lastOffsetSeconds: -0.000000089,
      rmsOffsetSeconds: 0.000000598,
      frequencyPpm: 0.159,
      rootDelaySeconds: 0.000032547,
      rootDispersionSeconds: 0.000000918,
      updateIntervalSeconds: 0.3,
      leapStatus: 'Normal',
    });
    expect(parseTrackingCsv(section('drift.txt', 'chronyc -c tracking')).systemTimeSeconds).toBe(3.000011444);
  });

  it('reads "fast of NTP time" as negative and "ppm slow" as a negative frequency', () => {
    const t = parseTrackingText(section('sync.txt', 'chronyc tracking'));
    expect(t.systemTimeSeconds).toBe(-0.00000139);
    expect(t.frequencyPpm).toBe(-0.001);
    expect(parseTrackingCsv(section('sync.txt', 'chronyc -c tracking')).frequencyPpm).toBe(-0.001);
  });

  it('reads an unsynchronised client: no reference, leap status Not synchronised, no -0', () => {
    const t = parseTrackingText(section('unsync.txt', 'chronyc tracking'));
    expect(t.refId).toBe('00000000');
    expect(t.refName).toBe('');
    expect(t.stratum).toBe(0);
    expect(t.leapStatus).toBe('Not synchronised');
    expect(Object.is(t.systemTimeSeconds, 0)).toBe(true); // "0.000000000 seconds fast"
    expect(Object.is(t.frequencyPpm, 0)).toBe(true); // "0.000 ppm slow"
  });

  it('reads a server of its local clock: refid 7F7F0101, empty name, stratum 3', () => {
    const t = parseTrackingCsv(section('local-server.txt', 'chronyc -n -c tracking'));
    expect(t).toMatchObject({ refId: '7F7F0101', refName: '', stratum: 3, leapStatus: 'Normal' });
  });

  it('reads 12.3 s slow and a large RMS offset from real captures', () => {
    expect(parseTracking(section('drift-12s.txt', 'chronyc -n tracking')).systemTimeSeconds).toBe(
      12.29999733,
    );
    expect(parseTracking(section('falseticker-minutes.txt', 'chronyc -n -c tracking')).rmsOffsetSeconds).toBe(
      572.641662598,
    );
  });
});

describe('parseTracking: malformed input', () => {
  const good = section('sync.txt', 'chronyc -c tracking').trim();

  it.each([
    ['13 fields', good.split(',').slice(0, 13).join(',')],
    ['15 fields', `${good},extra`],
    ['a non-numeric offset', good.replace('-0.000001390', 'abc')],
    ['an empty number', good.replace('-0.000001390', '')],
    ['an unknown leap status', good.replace('Normal', 'Maybe')],
    ['a bad reference ID', good.replace('7F000029', '7F00')],
    ['two lines', `${good}\n${good}`],
    ['nothing', ''],
    ['chronyc saying it cannot talk to chronyd', '506 Cannot talk to daemon\n'],
  ])('CSV with %s throws ParseError', (_what, text) => {
    expect(() => parseTrackingCsv(text)).toThrow(ParseError);
  });

  it('carries an excerpt of the raw output', () => {
    const error = thrown(() => parseTracking('506 Cannot talk to daemon\n'));
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).message).toMatch(/14 fields/);
    expect((error as ParseError).excerpt).toBe('506 Cannot talk to daemon\n');
  });

  const human = section('sync.txt', 'chronyc tracking');
  it.each([
    ['no System time line', human.replace(/^System time.*\n/m, '')],
    ['a System time without direction', human.replace('seconds fast of NTP time', 'seconds of NTP time')],
    ['a non-numeric frequency', human.replace('0.001 ppm slow', 'x.yz ppm slow')],
    ['a Stratum that is not a number', human.replace('Stratum         : 4', 'Stratum         : four')],
  ])('human form with %s throws ParseError', (_what, text) => {
    expect(() => parseTrackingText(text)).toThrow(ParseError);
  });
});
