import { describe, expect, it } from 'vitest';
import { chronycFailure } from '../../../src/tasks/ntp-status/parse-chronyc-error.js';
import { splitStatusOutput } from '../../../src/tasks/ntp-status/remote-command.js';
import { section } from './fixtures.js';

const status = (scenario: string) =>
  splitStatusOutput(section('status-command.txt', `NTP_STATUS_COMMAND: ${scenario}`));

describe('chronycFailure', () => {
  it('sees "506 Cannot talk to daemon" (exit 1) as chronyd down, and says how to start it', () => {
    const failure = chronycFailure({ output: section('daemon-down.txt', 'chronyc tracking'), exitCode: 1 });
    expect(failure?.code).toBe('daemon-down');
    expect(failure?.message).toContain('506 Cannot talk to daemon');
    expect(failure?.hint).toMatch(/systemctl start chronyd/);
    expect(failure?.hint).toMatch(/chrony.*Debian/);
  });

  it('sees daemon-down in the real output of the status command', () => {
    const out = status('chronyd not running');
    expect(chronycFailure(out.tracking)?.code).toBe('daemon-down');
    expect(chronycFailure(out.sourcesCsv)?.code).toBe('daemon-down');
  });

  it.each(['chronyc not installed (bash)', 'chronyc not installed (dash)'])(
    'sees exit 127 as chronyc missing: %s',
    (scenario) => {
      const failure = chronycFailure(status(scenario).tracking);
      expect(failure?.code).toBe('command-missing');
      expect(failure?.message).toMatch(/exit 127: \/bin\/(bash|dash): .*chronyc: (command )?not found/);
      expect(failure?.hint).toMatch(/install chrony/i);
    },
  );

  it('sees exit 127 as chronyc missing even when the shell said something else', () => {
    expect(chronycFailure({ output: '', exitCode: 127 })?.code).toBe('command-missing');
  });

  it('reports any other non-zero exit with the command, status and first line', () => {
    const failure = chronycFailure({ output: '501 Not authorised\n', exitCode: 1 }, 'chronyc -n -c tracking');
    expect(failure).toEqual({
      code: 'command-failed',
      message: 'chronyc -n -c tracking exited with status 1: 501 Not authorised',
      hint: 'Run "chronyc -n -c tracking" on the host to see the whole error.',
    });
    expect(chronycFailure({ output: '', exitCode: 139 })?.message).toBe(
      'chronyc exited with status 139: no output',
    );
  });

  it('finds nothing wrong in a successful run', () => {
    expect(chronycFailure(status('client (server, peer, refclock)').tracking)).toBeUndefined();
    expect(chronycFailure(status('time server (local stratum 3)').sourcesCsv)).toBeUndefined();
  });
});
