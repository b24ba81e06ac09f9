import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import { parseSources, parseSourcesCsv } from '../../../src/tasks/chrony/parse-sources.js';
import { parseSourcesTable } from '../../../src/tasks/chrony/parse-sources-table.js';
import { splitStatusOutput } from '../../../src/tasks/chrony/remote-command.js';
import type { Source } from '../../../src/tasks/chrony/source.js';
import { allSections, FIXTURE_FILES, section, sections, thrown } from './fixtures.js';

const HUMAN = /^chronyc (-n )?sources$/;
const CSV = /^chronyc (-n )?-c sources$/;

/** The resolution chronyc prints an offset with (client.c print_signed_nanoseconds). */
function displayStep(seconds: number): number {
  const x = Math.abs(seconds);
  if (x < 9999.5e-9) return 1e-9;
  if (x < 9999.5e-6) return 1e-6;
  if (x < 9999.5e-3) return 1e-3;
  if (x < 999.5) return 0.1;
  if (x < 99999.5) return 1;
  return 60;
}

function expectSameOffset(human: number, csv: number): void {
  expect(Math.abs(human - csv)).toBeLessThanOrEqual(displayStep(csv) / 2 + 1e-12);
}

describe('parseSources on every capture', () => {
  const human = allSections(HUMAN);
  const csv = allSections(CSV);

  it('finds captures of both forms', () => {
    expect(human.length).toBeGreaterThanOrEqual(9);
    expect(csv.length).toBe(human.length - 1); // legacy-3x has only the table
  });

  it.each(human)('%s: %s parses', (_file, _cmd, text) => {
    const rows = text.split('\n').filter((l) => /^[\^=#]\S /.test(l)).length;
    const sources = parseSourcesTable(text);
    expect(sources).toHaveLength(rows);
    expect(parseSources(text)).toEqual(sources);
  });

  it.each(csv)('%s: %s parses', (_file, _cmd, text) => {
    const sources = parseSourcesCsv(text);
    expect(sources).toHaveLength(text.split('\n').filter((l) => l !== '').length);
    expect(parseSources(text)).toEqual(sources);
  });

  it.each(FIXTURE_FILES.filter((f) => [...sections(f).keys()].some((k) => CSV.test(k))))(
    '%s: -c and human forms agree on states, reach and offsets',
    (file) => {
      const all = [...sections(file)];
      const human = parseSourcesTable(all.find(([k]) => HUMAN.test(k))?.[1] ?? '');
      const csv = parseSourcesCsv(all.find(([k]) => CSV.test(k))?.[1] ?? '');
      expect(human).toHaveLength(csv.length);
      csv.forEach((c, i) => {
        const h = human[i] as Source;
        const { mode, state, address, stratum, poll, reach, reachRaw, lastRxSeconds } = c;
        expect(h).toMatchObject({ mode, state, address, stratum, poll, reach, reachRaw, lastRxSeconds });
        expectSameOffset(h.offsetSeconds, c.offsetSeconds);
        expectSameOffset(h.measuredOffsetSeconds, c.measuredOffsetSeconds);
        expectSameOffset(h.errorSeconds, c.errorSeconds);
      });
    },
  );
});

describe('parseSourcesTable on the tables of the status command (one chronyc -m run)', () => {
  const runs = [...sections('status-command.txt')]
    .map(([name, stdout]) => [name, splitStatusOutput(stdout)] as const)
    .filter(([, out]) => out.chronyc.exitCode === 0);
  const table = (scenario: string) =>
    parseSourcesTable(
      splitStatusOutput(section('status-command.txt', `NTP_STATUS_COMMAND: ${scenario}`)).sourcesTable,
    );

  it.each(runs)('%s: every row parses', (_name, out) => {
    const rows = out.sourcesTable.split('\n').filter((l) => /^[\^=#]\S /.test(l)).length;
    expect(parseSourcesTable(out.sourcesTable)).toHaveLength(rows);
  });

  it('reads the falseticker 100000 s away (-1667m) and a partial reach after it stopped', () => {
    const far = table('client of three servers, the third 100000 s away (falseticker in minutes)')[2];
    expect(far).toMatchObject({ state: 'falseticker', reach: 255, offsetSeconds: -1667 * 60 });
    const stopped = table('the same client 1 s after that falseticker stopped (reach partial)')[2];
    expect(stopped).toMatchObject({ state: 'falseticker', reachRaw: '360', reach: 0o360, lastRxSeconds: 1 });
  });

  it('reads every mode and the -3000ms falseticker of the lab', () => {
    expect(table('client (server, peer, refclock)').map((s) => [s.mode, s.state, s.address])).toEqual([
      ['refclock', 'unusable', 'GPS'],
      ['server', 'selected', '127.0.73.101'],
      ['peer', 'unusable', '127.0.73.109'],
    ]);
    const x = table('client in sync, one of its three servers 3 s fast (falseticker)')[2];
    expect(x?.state).toBe('falseticker');
    expect(x?.offsetSeconds).toBeCloseTo(-3, 9);
  });
});

describe('parseSources: meaning of the fields', () => {
  it('reads the sync capture: selected, combined and a falseticker 3 s ahead of us (negative offset)', () => {
    const [a, b, x] = parseSourcesCsv(section('sync.txt', 'chronyc -c sources'));
    expect(a).toEqual<Source>({
      mode: 'server',
      state: 'selected',
      address: '127.0.0.41',
      stratum: 3,
      poll: -2,
      reach: 255,
      reachRaw: '377',
      lastRxSeconds: 1,
      offsetSeconds: 0.000000588,
      measuredOffsetSeconds: 0.000000585,
      errorSeconds: 0.000003897,
    });
    expect(b?.state).toBe('combined');
    // .43 runs 3 s fast: the local clock is behind it, so the offset is negative
    expect(x).toMatchObject({ state: 'falseticker', offsetSeconds: -3.000020027 });
    const table = parseSourcesTable(section('sync.txt', 'chronyc sources'));
    expect(table[2]?.offsetSeconds).toBeCloseTo(-3.0, 9); // "-3000ms"
  });

  it('reads every mode: server ^, peer =, refclock # (by its refid)', () => {
    const sources = parseSourcesTable(section('modes.txt', 'chronyc -n sources'));
    expect(sources.map((s) => [s.mode, s.state, s.address])).toEqual([
      ['refclock', 'unusable', 'GPS'],
      ['server', 'selected', '127.0.2.1'],
      ['peer', 'unusable', '127.0.2.9'],
    ]);
  });

  it('decodes reach from octal', () => {
    const partial = parseSourcesCsv(section('reach-partial.txt', 'chronyc -n -c sources'));
    expect(partial.map((s) => [s.reachRaw, s.reach])).toEqual([
      ['377', 255],
      ['377', 255],
      ['370', 248],
    ]);
    const legacy = parseSourcesTable(section('legacy-3x.txt', 'chronyc sources'));
    expect(legacy.map((s) => s.reach)).toEqual([0, 3, 3, 15, 15, 15]); // 0, 3, 3, 17, 17, 17 in octal
  });

  it('reads "never" as null: 4294967295 in CSV, "-" in the table', () => {
    const csv = parseSourcesCsv(section('unsync.txt', 'chronyc -c sources'));
    const table = parseSourcesTable(section('unsync.txt', 'chronyc sources'));
    expect(csv[0]?.lastRxSeconds).toBeNull();
    expect(table[0]?.lastRxSeconds).toBeNull();
    expect(table[0]).toMatchObject({
      state: 'unusable',
      reach: 0,
      stratum: 0,
      offsetSeconds: 0,
      errorSeconds: 0,
    });
  });

  it('reads chrony 3.x tables: the "210 Number of sources" line, names cut with ">", us and ms units', () => {
    const sources = parseSourcesTable(section('legacy-3x.txt', 'chronyc sources'));
    expect(sources).toHaveLength(6);
    expect(sources[2]?.address).toBe('ec2-54-180-134-81.ap-nor>');
    expect(sources[0]).toMatchObject({ address: '127.127.1.0', state: 'unusable', lastRxSeconds: null });
    expect(sources[4]).toMatchObject({ state: 'not-combined', poll: 6, lastRxSeconds: 3 });
    expect(sources[4]?.offsetSeconds).toBeCloseTo(-0.001858, 12); // "-1858us"
    expect(sources[1]?.errorSeconds).toBeCloseTo(0.049, 12); // "+/-   49ms"
    expect(sources[2]?.offsetSeconds).toBeCloseTo(0.000817, 12); // "+817us"
  });

  it('reads offsets printed in minutes (a falseticker 100000 s away shows as -1667m)', () => {
    const [, , far] = parseSourcesTable(section('falseticker-minutes.txt', 'chronyc -n sources'));
    expect(far).toMatchObject({
      state: 'falseticker',
      offsetSeconds: -1667 * 60,
      measuredOffsetSeconds: -1667 * 60,
    });
  });

  // Lines as chronyc prints them for values the captures do not reach (formats from client.c).
  it.each([
    ['+12.3s[ +12.3s] +/-   45ms', 12.3, 0.045],
    ['-1234s[ -1234s] +/-   12ms', -1234, 0.012],
    ['  +27h[   +27h] +/- 1000ms', 27 * 3600, 1],
    ['   -3d[    -3d] +/-  9.9s', -3 * 86400, 9.9],
    ['   +2y[    +2y] +/-   1ns', 2 * 365 * 86400, 1e-9],
  ])('reads the units in "%s"', (sample, offset, error) => {
    const table = `MS Name/IP address         Stratum Poll Reach LastRx Last sample               \n${'='.repeat(79)}\n^- 192.0.2.7                   2   6   377    23m ${sample}\n`;
    const [s] = parseSourcesTable(table);
    expect(s?.offsetSeconds).toBeCloseTo(offset, 9);
    expect(s?.errorSeconds).toBeCloseTo(error, 12);
    expect(s?.lastRxSeconds).toBe(23 * 60);
  });

  it.each([
    ['1199', 1199],
    ['20m', 1200],
    ['10h', 36000],
    ['4d', 345600],
    ['2y', 2 * 365 * 86400],
  ])('reads LastRx "%s" as %d s', (lastRx, seconds) => {
    const table = `MS Name/IP address         Stratum Poll Reach LastRx Last sample               \n${'='.repeat(79)}\n^+ 192.0.2.8                   2  10   377  ${lastRx.padStart(5)}   +12us[  +10us] +/-   25ms\n`;
    expect(parseSourcesTable(table)[0]?.lastRxSeconds).toBe(seconds);
  });

  it('reads an empty sources list in both forms (a server with no sources)', () => {
    expect(parseSources(section('local-server.txt', 'chronyc -n -c sources'))).toEqual([]);
    expect(parseSources(section('local-server.txt', 'chronyc -n sources'))).toEqual([]);
  });
});

describe('parseSources: malformed input', () => {
  const csv = section('sync.txt', 'chronyc -c sources');
  const table = section('sync.txt', 'chronyc sources');
  const legacy = section('legacy-3x.txt', 'chronyc sources');

  it.each([
    ['9 fields', csv.replace(',0.000003897', '')],
    ['an unknown mode', csv.replace('^,*,127.0.0.41', '!,*,127.0.0.41')],
    ['an unknown state', csv.replace('^,*,127.0.0.41', '^,%,127.0.0.41')],
    ['a reach that is not octal', csv.replace(',-2,377,1,0.000000588', ',-2,389,1,0.000000588')],
    ['a reach over 8 bits', csv.replace(',-2,377,1,0.000000588', ',-2,400,1,0.000000588')],
    ['a non-numeric offset', csv.replace('0.000000588', 'fast')],
    ['chronyc saying it cannot talk to chronyd', '506 Cannot talk to daemon\n'],
  ])('CSV with %s throws ParseError', (_what, text) => {
    expect(() => parseSourcesCsv(text)).toThrow(ParseError);
  });

  it.each([
    ['no header', table.split('\n').slice(2).join('\n')],
    ['no ==== line', table.replace(/^=+\n/m, '')],
    ['a garbled row', table.replace('+588ns[ +585ns]', '+588ns +585ns')],
    ['an unknown unit', table.replace('+588ns[', '+588ps[')],
    ['text before the header', `hello\n${table}`],
    ['fewer rows than the 3.x header announces', legacy.split('\n').slice(0, -2).join('\n')],
  ])('table with %s throws ParseError', (_what, text) => {
    expect(() => parseSourcesTable(text)).toThrow(ParseError);
  });

  it('carries the offending line as the excerpt', () => {
    const error = thrown(() => parseSourcesTable(table.replace('+588ns[ +585ns]', '+588ns +585ns')));
    expect((error as ParseError).excerpt).toBe(
      '^* 127.0.0.41                    3  -2   377     1   +588ns +585ns +/- 3897ns',
    );
  });
});
