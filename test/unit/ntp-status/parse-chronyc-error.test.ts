import { describe, expect, it } from 'vitest';
import { chronycFailure } from '../../../src/tasks/chrony/parse-chronyc-error.js';
import { CHRONYC_COMMAND, splitStatusOutput } from '../../../src/tasks/chrony/remote-command.js';
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
    expect(chronycFailure(status('chronyd not running').chronyc)?.code).toBe('daemon-down');
  });

  it('sees daemon-down when chronyd stopped answering after the tracking report', () => {
    const tracking = status('client (server, peer, refclock)').tracking.output;
    const failure = chronycFailure({ output: `${tracking}506 Cannot talk to daemon\n`, exitCode: 1 });
    expect(failure?.code).toBe('daemon-down');
  });

  it.each(['chronyc not installed (bash)', 'chronyc not installed (dash)'])(
    'sees exit 127 as chronyc missing: %s',
    (scenario) => {
      const failure = chronycFailure(status(scenario).chronyc);
      expect(failure?.code).toBe('command-missing');
      expect(failure?.message).toMatch(/exit 127: \/bin\/(bash|dash): .*chronyc: (command )?not found/);
      expect(failure?.hint).toMatch(/install chrony/i);
    },
  );

  it('sees exit 127 as chronyc missing even when the shell said something else', () => {
    expect(chronycFailure({ output: '', exitCode: 127 })?.code).toBe('command-missing');
  });

  it('reports any other non-zero exit with the command, status and the line that says why', () => {
    const failure = chronycFailure({ output: '501 Not authorised\n', exitCode: 1 }, CHRONYC_COMMAND);
    expect(failure).toEqual({
      code: 'command-failed',
      message: 'chronyc -n -m tracking sources exited with status 1: 501 Not authorised',
      hint: 'Run "chronyc -n -m tracking sources" on the host to see the whole error.',
    });
    expect(chronycFailure({ output: '', exitCode: 139 })?.message).toBe(
      'chronyc exited with status 139: no output',
    );
  });

  it('quotes the error, not the tracking report, when chronyc failed at the sources command', () => {
    // chronyc -m stops at the first command that fails: the report it printed before comes first
    const tracking = status('client (server, peer, refclock)').tracking.output;
    const failure = chronycFailure(
      { output: `${tracking}501 Not authorised\n`, exitCode: 1 },
      CHRONYC_COMMAND,
    );
    expect(failure?.message).toBe('chronyc -n -m tracking sources exited with status 1: 501 Not authorised');
  });

  it('finds nothing wrong in a successful run', () => {
    expect(chronycFailure(status('client (server, peer, refclock)').chronyc)).toBeUndefined();
    expect(chronycFailure(status('time server (local stratum 3)').chronyc)).toBeUndefined();
  });
});
