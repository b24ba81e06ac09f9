import { describe, expect, it } from 'vitest';
import { ntpStatusFromOutput } from '../../../src/tasks/ntp-status/host-status.js';
import { section } from './fixtures.js';

const T = { warnMs: 200, critMs: 500 };
const run = (scenario: string) =>
  ntpStatusFromOutput('h1', section('status-command.txt', `NTP_STATUS_COMMAND: ${scenario}`), T);

describe('ntpStatusFromOutput (the status command output of one host)', () => {
  it('a client: ok, with its selected server and the raw table for the thread', () => {
    const s = run('client (server, peer, refclock)');
    expect(s).toMatchObject({ host: 'h1', state: 'ok', stratum: 4, offsetSeconds: -0.000001209 });
    expect(s.selected).toMatchObject({ address: '127.0.2.1', reachRaw: '377', stratum: 3 });
    expect(s.sourcesTable).toContain(
      '^* 127.0.2.1                     3  -2   377     0    -72ns[ -115ns] +/- 1663ns',
    );
  });

  it('a time server of its local clock: ok', () => {
    expect(run('time server (local stratum 3)')).toMatchObject({
      state: 'ok',
      reason: 'serving local clock, stratum 3',
    });
  });

  it('chronyd not running: an error with code daemon-down, no table', () => {
    const s = run('chronyd not running');
    expect(s).toMatchObject({ state: 'error', errorCode: 'daemon-down' });
    expect(s.hint).toMatch(/systemctl start chronyd/);
    expect(s.sourcesTable).toBeUndefined();
  });

  it('chronyc not installed: an error with code command-missing', () => {
    expect(run('chronyc not installed (bash)')).toMatchObject({
      state: 'error',
      errorCode: 'command-missing',
    });
    expect(run('chronyc not installed (dash)')).toMatchObject({
      state: 'error',
      errorCode: 'command-missing',
    });
  });

  it('output it cannot read becomes an error status, not an exception', () => {
    const s = ntpStatusFromOutput('h2', 'This account is currently not available.\n', T);
    expect(s).toMatchObject({ host: 'h2', state: 'error', errorCode: 'command-failed' });
    expect(s.reason).toMatch(
      /^could not read chronyc output: no "tracking" section.*\("This account is currently not available\."\)$/,
    );
  });

  it('garbage inside a section is an error status that quotes it', () => {
    const stdout = section(
      'status-command.txt',
      'NTP_STATUS_COMMAND: client (server, peer, refclock)',
    ).replace('7F000201,127.0.2.1,4,', '7F000201,127.0.2.1,four,');
    const s = ntpStatusFromOutput('h3', stdout, T);
    expect(s.state).toBe('error');
    expect(s.reason).toContain('stratum is not a whole number: "four"');
  });
});
