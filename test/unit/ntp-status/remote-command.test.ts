import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import {
  CHRONYC_COMMAND,
  NTP_STATUS_COMMAND,
  splitStatusOutput,
} from '../../../src/tasks/chrony/remote-command.js';
import { section, thrown } from './fixtures.js';

const FILE = 'status-command.txt';
const capture = (scenario: string) => section(FILE, `NTP_STATUS_COMMAND: ${scenario}`);

describe('NTP_STATUS_COMMAND', () => {
  const dir = mkdtempSync(join(tmpdir(), 'labops-ntp-command-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs one chronyc for both reports, without DNS, in the C locale, keeping stderr', () => {
    expect(CHRONYC_COMMAND).toBe('chronyc -n -m tracking sources');
    expect(NTP_STATUS_COMMAND).toMatch(/^LC_ALL=C; export LC_ALL; /);
    expect(NTP_STATUS_COMMAND).toContain(`${CHRONYC_COMMAND} 2>&1`);
    expect(NTP_STATUS_COMMAND.match(/(^|; )chronyc /g)).toHaveLength(1); // the markers name it, but run it once
  });

  it('is one fixed line with no user-controlled parts', () => {
    expect(NTP_STATUS_COMMAND).not.toContain('\n');
    expect(NTP_STATUS_COMMAND).not.toMatch(/\$\{|\$[A-Za-z]/);
  });

  // A stand-in chronyc on PATH logs each start and replays what chronyc printed on a real host.
  it('starts chronyc exactly once per run, and its output splits back into what it printed', () => {
    const printed = splitStatusOutput(capture('client (server, peer, refclock)')).chronyc.output;
    writeFileSync(join(dir, 'printed.txt'), printed);
    writeFileSync(
      join(dir, 'chronyc'),
      `#!/bin/sh\necho "$*" >> '${dir}/starts.log'\ncat '${dir}/printed.txt'\n`,
    );
    chmodSync(join(dir, 'chronyc'), 0o755);
    const stdout = execFileSync('/bin/sh', ['-c', NTP_STATUS_COMMAND], {
      env: { PATH: `${dir}:/usr/bin:/bin` },
      encoding: 'utf8',
    });
    expect(readFileSync(join(dir, 'starts.log'), 'utf8')).toBe('-n -m tracking sources\n');
    expect(splitStatusOutput(stdout).chronyc).toEqual({ output: printed, exitCode: 0 });
  });

  // Runs the real command in a real /bin/sh whose PATH has no chronyc: the shell must say so, with exit 127.
  it('keeps "not found" and exit 127 visible when chronyc is missing', () => {
    const stdout = execFileSync('/bin/sh', ['-c', NTP_STATUS_COMMAND], {
      env: { PATH: '/nonexistent-labops' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { chronyc } = splitStatusOutput(stdout);
    expect(chronyc.exitCode).toBe(127);
    expect(chronyc.output).toMatch(/chronyc: (command )?not found/);
  });
});

describe('splitStatusOutput', () => {
  it('splits a real capture into the tracking report and the sources table, as chronyc printed them', () => {
    const out = splitStatusOutput(capture('client (server, peer, refclock)'));
    expect(out.tracking.exitCode).toBe(0);
    expect(out.tracking.output).toMatch(/^Reference ID {4}: 7F004965 \(127\.0\.73\.101\)\n/);
    expect(out.tracking.output).toMatch(/\nLeap status {5}: Normal\n$/);
    expect(out.sourcesTable.split('\n')).toEqual([
      'MS Name/IP address         Stratum Poll Reach LastRx Last sample               ',
      '='.repeat(79),
      '#? GPS                           0   4     0     -     +0ns[   +0ns] +/-    0ns',
      '^* 127.0.73.101                  3  -2   377     0   +115ns[ +148ns] +/- 2304ns',
      '=? 127.0.73.109                  0   0     0     -     +0ns[   +0ns] +/-    0ns',
      '',
    ]);
    expect(out.tracking.output + out.sourcesTable).toBe(out.chronyc.output);
    expect(out.chronyc.output).not.toContain('@@');
  });

  it('keeps the header of an empty sources table (a time server with no sources)', () => {
    const out = splitStatusOutput(capture('time server (local stratum 3)'));
    expect(out.tracking.output).toMatch(/^Reference ID {4}: 7F7F0101 \(\)\n/);
    expect(out.sourcesTable).toBe(
      `MS Name/IP address         Stratum Poll Reach LastRx Last sample               \n${'='.repeat(79)}\n`,
    );
  });

  it('starts a chrony 3.x table at its "210 Number of sources" line', () => {
    // assembled, not captured: chrony 3.x prints the same tracking report, and its table as in legacy-3x.txt
    const tracking = splitStatusOutput(capture('client (server, peer, refclock)')).tracking.output;
    const legacy = section('legacy-3x.txt', 'chronyc sources');
    const stdout = `@@labops-ntp@@ begin chronyc\n${tracking}${legacy}@@labops-ntp@@ end chronyc exit=0\n`;
    const out = splitStatusOutput(stdout);
    expect(out.tracking.output).toBe(tracking);
    expect(out.sourcesTable).toBe(legacy);
    expect(out.sourcesTable.startsWith('210 Number of sources = 6\n')).toBe(true);
  });

  it('keeps "506 Cannot talk to daemon" and exit status 1; there is no table', () => {
    const out = splitStatusOutput(capture('chronyd not running'));
    expect(out.chronyc).toEqual({ output: '506 Cannot talk to daemon\n', exitCode: 1 });
    expect(out.tracking).toEqual(out.chronyc);
    expect(out.sourcesTable).toBe('');
  });

  it('keeps the shell messages of bash and dash when chronyc is not installed', () => {
    expect(splitStatusOutput(capture('chronyc not installed (bash)')).chronyc).toEqual({
      output: '/bin/bash: line 1: chronyc: command not found\n',
      exitCode: 127,
    });
    expect(splitStatusOutput(capture('chronyc not installed (dash)')).chronyc).toEqual({
      output: '/bin/dash: 1: chronyc: not found\n',
      exitCode: 127,
    });
  });

  it('accepts CRLF line ends and output without a final newline', () => {
    const out = splitStatusOutput('@@labops-ntp@@ begin chronyc\r\npartial@@labops-ntp@@ end chronyc exit=2');
    expect(out.chronyc).toEqual({ output: 'partial', exitCode: 2 });
    const crlf = splitStatusOutput(
      '@@labops-ntp@@ begin chronyc\r\nLeap status     : Normal\r\nMS Name/IP address\r\n@@labops-ntp@@ end chronyc exit=0\r\n',
    );
    expect(crlf.tracking.output).toBe('Leap status     : Normal\n');
    expect(crlf.sourcesTable).toBe('MS Name/IP address\n');
  });

  it('throws ParseError with an excerpt when the output is missing or cut short', () => {
    const full = capture('client (server, peer, refclock)');
    const cut = full.slice(0, full.indexOf('@@labops-ntp@@ end chronyc'));
    expect(() => splitStatusOutput(cut)).toThrow(ParseError);
    expect(() => splitStatusOutput(cut)).toThrow(/"chronyc" section.*cut short/);
    expect(() => splitStatusOutput('Permission denied\n')).toThrow(/no "chronyc" section/);
    const error = thrown(() => splitStatusOutput('Permission denied\n'));
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).excerpt).toBe('Permission denied\n');
  });
});
