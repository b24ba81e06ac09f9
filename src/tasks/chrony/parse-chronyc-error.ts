import type { HostErrorCode } from '../../errors.js';
import type { Section } from './remote-command.js';

/** Why chronyc gave no report: the fields of a HostError, minus the host. */
export interface ChronycFailure {
  code: Extract<HostErrorCode, 'daemon-down' | 'command-missing' | 'command-failed'>;
  message: string;
  /** What the operator should do next, one sentence. */
  hint: string;
}

// chronyc -m stops at the first command that fails: its error is the last line, after any report it printed
function lastLine(output: string): string {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  const trimmed = (lines.at(-1) ?? '').trim();
  return trimmed.length > 160 ? `${trimmed.slice(0, 160)}…` : trimmed;
}

/**
 * Recognises a failed chronyc run from its output and exit status; undefined when it succeeded.
 * `command` names the chronyc invocation in the message, e.g. "chronyc -n -m tracking sources".
 */
export function chronycFailure(section: Section, command = 'chronyc'): ChronycFailure | undefined {
  const { output, exitCode } = section;
  // chronyc prints its 5xx status codes on stdout and exits 1; "506" means no chronyd answered
  if (/^506 Cannot talk to daemon/m.test(output)) {
    return {
      code: 'daemon-down',
      message: 'chronyd does not answer, it is probably not running (chronyc: 506 Cannot talk to daemon)',
      hint: 'Start it: systemctl start chronyd (the unit is "chrony" on Debian/Ubuntu), then check journalctl -u chronyd.',
    };
  }
  // bash says "chronyc: command not found", dash "chronyc: not found"; both exit 127
  if (exitCode === 127 || /chronyc: (command )?not found/.test(output)) {
    return {
      code: 'command-missing',
      message: `chronyc is not installed or not on PATH (exit 127: ${lastLine(output) || 'no output'})`,
      hint: 'Install chrony (apt install chrony / dnf install chrony), or check why this host has no chronyc.',
    };
  }
  if (exitCode !== 0) {
    return {
      code: 'command-failed',
      message: `${command} exited with status ${exitCode}: ${lastLine(output) || 'no output'}`,
      hint: `Run "${command}" on the host to see the whole error.`,
    };
  }
  return undefined;
}
