import { describe, expect, it } from 'vitest';
import { ntpStatusFromOutput } from '../../../src/tasks/chrony/host-status.js';
import { splitStatusOutput } from '../../../src/tasks/chrony/remote-command.js';
import { hostLine } from '../../../src/tasks/chrony/render-host-line.js';
import { section, sections } from './fixtures.js';

const T = { warnMs: 200, critMs: 500 };
const capture = (scenario: string) => section('status-command.txt', `NTP_STATUS_COMMAND: ${scenario}`);
const run = (scenario: string) => ntpStatusFromOutput('h1', capture(scenario), T);

const UNREACHABLE_HINT =
  'Check the time servers answer on UDP 123 from this host (server down, firewall, wrong address in chrony.conf).';

describe('ntpStatusFromOutput on every real capture of the status command', () => {
  it.each([
    ['time server (local stratum 3)', '✅ h1: in sync, serving local clock, stratum 3'],
    [
      'client (server, peer, refclock)',
      '✅ h1: in sync, ^* 127.0.73.101 (stratum 3), offset 1.7 µs fast, reach 377',
    ],
    [
      'client in sync, one of its three servers 3 s fast (falseticker)',
      '✅ h1: in sync, ^* 127.0.73.1 (stratum 3), offset 1.5 µs fast, reach 377',
    ],
    [
      'client whose only server runs 3 s fast (drift)',
      '🔴 h1: drifting, clock 3.0 s slow of NTP time (critical above 500 ms), ^* 127.0.73.3, reach 377',
    ],
    [
      'client whose only server is 12.3 s away (drift)',
      '🔴 h1: drifting, clock 12.3 s slow of NTP time (critical above 500 ms), ^* 127.0.73.104, reach 377',
    ],
    [
      'client whose only server never answered (unsynchronised)',
      `🟠 h1: not synchronised: all 1 sources unreachable (127.0.73.250 reach 0). ${UNREACHABLE_HINT}`,
    ],
    [
      'client 0.25 s after start (not synchronised yet)',
      '🟠 h1: not synchronised: chronyd has not synchronised yet (127.0.73.101 unusable, 127.0.73.102 unusable). Right after a start this clears within a minute or two. Check the sources with chronyc -n sources -v and chronyc -n sourcestats on the host.',
    ],
    [
      'client whose only server stopped 4 s earlier (server lost)',
      `🟠 h1: not synchronised: all 1 sources unreachable (127.0.73.104 reach 0). ${UNREACHABLE_HINT}`,
    ],
    [
      'client of three servers, the third 100000 s away (falseticker in minutes)',
      '✅ h1: in sync, ^* 127.0.73.102 (stratum 2), offset 1.8 µs fast, reach 377',
    ],
    [
      'the same client 1 s after that falseticker stopped (reach partial)',
      '✅ h1: in sync, ^* 127.0.73.102 (stratum 2), offset 1.9 µs fast, reach 377',
    ],
    [
      'time server (local stratum 3) whose only upstream never answered',
      `🟠 h1: not synchronised: serving its local clock (stratum 3) because all 1 sources unreachable (127.0.73.250 reach 0). ${UNREACHABLE_HINT}`,
    ],
    [
      'chronyd not running',
      '❌ h1: chronyd down: chronyd does not answer, it is probably not running (chronyc: 506 Cannot talk to daemon). Start it: systemctl start chronyd (the unit is "chrony" on Debian/Ubuntu), then check journalctl -u chronyd.',
    ],
    [
      'chronyc not installed (bash)',
      '❌ h1: chronyc missing: chronyc is not installed or not on PATH (exit 127: /bin/bash: line 1: chronyc: command not found). Install chrony (apt install chrony / dnf install chrony), or check why this host has no chronyc.',
    ],
    [
      'chronyc not installed (dash)',
      '❌ h1: chronyc missing: chronyc is not installed or not on PATH (exit 127: /bin/dash: 1: chronyc: not found). Install chrony (apt install chrony / dnf install chrony), or check why this host has no chronyc.',
    ],
  ])('%s', (scenario, line) => {
    expect(hostLine(run(scenario), 'plain')).toBe(line);
  });

  it('covers every capture in the file', () => {
    expect(sections('status-command.txt').size).toBe(14);
  });
});

describe('ntpStatusFromOutput: what it keeps', () => {
  it('takes the offset from the tracking report at full precision, and the state, stratum and reach from the table', () => {
    const s = run('client whose only server runs 3 s fast (drift)');
    expect(s).toMatchObject({ host: 'h1', state: 'critical', stratum: 4, offsetSeconds: 3.000002384 });
    expect(s.selected).toMatchObject({
      address: '127.0.73.3',
      reachRaw: '377',
      stratum: 3,
      state: 'selected',
    });
  });

  it('gives the thread the sources table exactly as chronyc printed it', () => {
    for (const scenario of ['client (server, peer, refclock)', 'time server (local stratum 3)']) {
      const s = run(scenario);
      expect(s.sourcesTable).toBe(splitStatusOutput(capture(scenario)).sourcesTable);
      expect(s.sourcesTable).toMatch(
        /^MS Name\/IP address {9}Stratum Poll Reach LastRx Last sample {15}\n=+\n/,
      );
    }
    expect(
      run('client of three servers, the third 100000 s away (falseticker in minutes)').sourcesTable,
    ).toContain('^x 127.0.73.103                  2  -2   377     0   -1667m[ -1667m] +/- 2945ns');
  });

  it('has no table for a host whose chronyc failed', () => {
    expect(run('chronyd not running').sourcesTable).toBeUndefined();
    expect(run('chronyc not installed (bash)').sourcesTable).toBeUndefined();
  });
});

describe('ntpStatusFromOutput: output it cannot read', () => {
  it('becomes an error status, not an exception', () => {
    const s = ntpStatusFromOutput('h2', 'This account is currently not available.\n', T);
    expect(s).toMatchObject({ host: 'h2', state: 'error', errorCode: 'command-failed' });
    expect(s.reason).toMatch(
      /^could not read chronyc output: no "chronyc" section.*\("This account is currently not available\."\)$/,
    );
  });

  it('quotes garbage inside the tracking report', () => {
    const stdout = capture('client (server, peer, refclock)').replace(
      'Stratum         : 4',
      'Stratum         : four',
    );
    const s = ntpStatusFromOutput('h3', stdout, T);
    expect(s.state).toBe('error');
    expect(s.reason).toContain('stratum is not a whole number: "four"');
  });

  it('says so when chronyc succeeded but printed no sources table', () => {
    const full = capture('client (server, peer, refclock)');
    const noTable = full.replace(/MS Name\/IP address[\s\S]*(?=@@labops-ntp@@ end)/, '');
    const s = ntpStatusFromOutput('h4', noTable, T);
    expect(s).toMatchObject({ state: 'error', errorCode: 'command-failed' });
    expect(s.reason).toMatch(/^could not read chronyc output: no "MS Name\/IP address" header/);
  });

  it('sees chronyd stopping between the two reports as chronyd down', () => {
    const full = capture('client (server, peer, refclock)');
    const stopped = full
      .replace(/MS Name\/IP address[\s\S]*(?=@@labops-ntp@@ end)/, '506 Cannot talk to daemon\n')
      .replace('exit=0', 'exit=1');
    expect(ntpStatusFromOutput('h5', stopped, T)).toMatchObject({ state: 'error', errorCode: 'daemon-down' });
  });
});
