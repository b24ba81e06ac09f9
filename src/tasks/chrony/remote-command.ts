import { ParseError } from '../../errors.js';
import { type RepeatingCommand, repeatingCommand } from '../../ssh/repeating-command.js';

/** What a chronyc run printed (stdout and stderr together) and how it exited. */
export interface Section {
  output: string;
  exitCode: number;
}

/**
 * The one chronyc process a host runs for `/lab ntp status`: with `-m` it takes several commands and prints
 * their human reports one after the other (the tracking report, then the sources table as operators know it).
 * It stops at the first command that fails.
 */
export const CHRONYC_COMMAND = 'chronyc -n -m tracking sources';

/** The output of {@link NTP_STATUS_COMMAND}, split where chronyc's sources table starts. */
export interface StatusOutput {
  /** Everything chronyc printed and its exit status: what a failure is recognised from. */
  chronyc: Section;
  /** The tracking report: what chronyc printed before the sources table (or all of it), and its exit status. */
  tracking: Section;
  /** The sources table as chronyc printed it, from its first line to the end; '' when there is none. */
  sourcesTable: string;
}

// A token chronyc never prints, so a marker line cannot be confused with its output.
const MARK = '@@labops-ntp@@';

/**
 * The one fixed command run over SSH on each host (POSIX shell). The chronyc run is framed by a begin and an
 * end marker; the end marker carries its exit status, so "command not found" (127) and "506 Cannot talk to
 * daemon" (1) stay visible. stderr is folded in so the shell's own messages are kept.
 */
export const NTP_STATUS_COMMAND: string = [
  'LC_ALL=C',
  'export LC_ALL',
  `echo '${MARK} begin chronyc'`,
  `${CHRONYC_COMMAND} 2>&1`,
  `echo "${MARK} end chronyc exit=$?"`,
].join('; ');

/**
 * NTP_STATUS_COMMAND as a long-lived loop (SshPool.execRepeating): one fixed remote loop a pooled connection that
 * runs the same command for each newline it reads, and ends each run with the same end marker.
 */
export const NTP_STATUS_REPEATING: RepeatingCommand = repeatingCommand(
  NTP_STATUS_COMMAND,
  `${MARK} end chronyc exit=`,
);

// chrony 4.x starts the table with its header; 3.x prints "210 Number of sources = N" first.
const TABLE_START = /^(?:210 Number of sources = |MS Name\/IP address)/m;

const BEGIN_MARK = `${MARK} begin chronyc\n`;
const END_MARK = new RegExp(`${MARK} end chronyc exit=(\\d+)\\n?`);

function takeChronyc(stdout: string): Section {
  const start = stdout.indexOf(BEGIN_MARK);
  if (start < 0) throw new ParseError('no "chronyc" section in the ntp status output', stdout);
  const from = start + BEGIN_MARK.length;
  // The end marker may follow output that lacks a final newline, so it is searched anywhere, not per line.
  const end = END_MARK.exec(stdout.slice(from));
  if (!end)
    throw new ParseError('the "chronyc" section of the ntp status output is cut short', stdout.slice(from));
  return { output: stdout.slice(from, from + end.index), exitCode: Number(end[1]) };
}

/** Splits the output of {@link NTP_STATUS_COMMAND}; throws ParseError if a marker is missing. */
export function splitStatusOutput(stdout: string): StatusOutput {
  const chronyc = takeChronyc(stdout.includes('\r') ? stdout.replace(/\r\n/g, '\n') : stdout);
  const table = TABLE_START.exec(chronyc.output);
  const at = table ? table.index : chronyc.output.length;
  return {
    chronyc,
    tracking: { output: chronyc.output.slice(0, at), exitCode: chronyc.exitCode },
    sourcesTable: chronyc.output.slice(at),
  };
}
