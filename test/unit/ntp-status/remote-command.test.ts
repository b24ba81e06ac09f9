import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import { NTP_STATUS_COMMAND, splitStatusOutput } from '../../../src/tasks/ntp-status/remote-command.js';
import { section, thrown } from './fixtures.js';

const FILE = 'status-command.txt';

describe('NTP_STATUS_COMMAND', () => {
  it('runs the three chronyc reports without DNS, in the C locale, keeping stderr', () => {
    expect(NTP_STATUS_COMMAND).toMatch(/^LC_ALL=C; export LC_ALL; /);
    for (const cmd of [
      'chronyc -n -c tracking 2>&1',
      'chronyc -n -c sources 2>&1',
      'chronyc -n sources 2>&1',
    ]) {
      expect(NTP_STATUS_COMMAND).toContain(cmd);
    }
  });

  it('is one fixed line with no user-controlled parts', () => {
    expect(NTP_STATUS_COMMAND).not.toContain('\n');
    expect(NTP_STATUS_COMMAND).not.toMatch(/\$\{|\$[A-Za-z]/);
  });

  // Runs the real command in a real /bin/sh whose PATH has no chronyc: the shell must say so, with exit 127.
  it('keeps "not found" and exit 127 visible when chronyc is missing', () => {
    const stdout = execFileSync('/bin/sh', ['-c', NTP_STATUS_COMMAND], {
      env: { PATH: '/nonexistent-labops' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = splitStatusOutput(stdout);
    for (const s of [out.tracking, out.sourcesCsv, out.sourcesTable]) {
      expect(s.exitCode).toBe(127);
      expect(s.output).toMatch(/chronyc: (command )?not found/);
    }
  });
});

describe('splitStatusOutput', () => {
  it('splits a real capture from a client into the three outputs and their exit codes', () => {
    const out = splitStatusOutput(section(FILE, 'NTP_STATUS_COMMAND: client (server, peer, refclock)'));
    expect(out.tracking).toEqual({
      output:
        '7F000201,127.0.2.1,4,1795326015.111784246,-0.000001209,-0.000000043,0.000000047,0.013,-0.000,0.022,0.000003256,0.000000500,0.3,Normal\n',
      exitCode: 0,
    });
    expect(out.sourcesCsv.output.split('\n')).toEqual([
      '#,?,GPS,0,4,0,4294967295,0.000000000,0.000000000,0.000000000',
      '^,*,127.0.2.1,3,-2,377,0,-0.000000072,-0.000000115,0.000001663',
      '=,?,127.0.2.9,0,0,0,4294967295,0.000000000,0.000000000,0.000000000',
      '',
    ]);
    expect(out.sourcesTable.exitCode).toBe(0);
    expect(out.sourcesTable.output).toMatch(
      /^MS Name\/IP address {9}Stratum Poll Reach LastRx Last sample {15}\n=+\n#\? GPS/,
    );
    expect(out.sourcesTable.output).not.toContain('@@');
  });

  it('keeps an empty section empty (a time server with no sources)', () => {
    const out = splitStatusOutput(section(FILE, 'NTP_STATUS_COMMAND: time server (local stratum 3)'));
    expect(out.sourcesCsv).toEqual({ output: '', exitCode: 0 });
    expect(out.tracking.output.startsWith('7F7F0101,,3,')).toBe(true);
  });

  it('keeps "506 Cannot talk to daemon" and exit status 1', () => {
    const out = splitStatusOutput(section(FILE, 'NTP_STATUS_COMMAND: chronyd not running'));
    expect(out.tracking).toEqual({ output: '506 Cannot talk to daemon\n', exitCode: 1 });
    expect(out.sourcesTable).toEqual({ output: '506 Cannot talk to daemon\n', exitCode: 1 });
  });

  it('keeps the shell messages of bash and dash when chronyc is not installed', () => {
    const bash = splitStatusOutput(section(FILE, 'NTP_STATUS_COMMAND: chronyc not installed (bash)'));
    expect(bash.tracking).toEqual({
      output: '/bin/bash: line 1: chronyc: command not found\n',
      exitCode: 127,
    });
    const dash = splitStatusOutput(section(FILE, 'NTP_STATUS_COMMAND: chronyc not installed (dash)'));
    expect(dash.sourcesCsv).toEqual({ output: '/bin/dash: 1: chronyc: not found\n', exitCode: 127 });
  });

  it('accepts CRLF line ends and output without a final newline', () => {
    const stdout = [
      '@@labops-ntp@@ begin tracking\r\n',
      'partial@@labops-ntp@@ end tracking exit=1\r\n',
      '@@labops-ntp@@ begin sources-csv\r\n@@labops-ntp@@ end sources-csv exit=0\r\n',
      '@@labops-ntp@@ begin sources-table\r\nx\r\n@@labops-ntp@@ end sources-table exit=2',
    ].join('');
    const out = splitStatusOutput(stdout);
    expect(out.tracking).toEqual({ output: 'partial', exitCode: 1 });
    expect(out.sourcesCsv).toEqual({ output: '', exitCode: 0 });
    expect(out.sourcesTable).toEqual({ output: 'x\n', exitCode: 2 });
  });

  it('throws ParseError with an excerpt when a section is missing or cut short', () => {
    const full = section(FILE, 'NTP_STATUS_COMMAND: client (server, peer, refclock)');
    const cut = full.slice(0, full.indexOf('@@labops-ntp@@ end sources-table'));
    expect(() => splitStatusOutput(cut)).toThrow(ParseError);
    expect(() => splitStatusOutput(cut)).toThrow(/sources-table.*cut short/);
    expect(() => splitStatusOutput('Permission denied\n')).toThrow(/no "tracking" section/);
    const error = thrown(() => splitStatusOutput('Permission denied\n'));
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).excerpt).toBe('Permission denied\n');
  });
});
