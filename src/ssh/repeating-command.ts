/**
 * A fixed command that a host can run again and again in one long-lived channel (see RemoteLoop): a remote loop
 * that runs `command` once for each newline it reads. Nothing but newlines ever goes to its stdin: what it runs
 * is fixed in the loop's text, which is as fixed as `command` itself.
 */
export interface RepeatingCommand {
  /** One run, as plain exec runs it (where the loop cannot be used). */
  readonly command: string;
  /** The remote loop (POSIX shell); each run's stdin is /dev/null, so a run cannot eat the loop's newlines. */
  readonly loop: string;
  /**
   * How each run's output ends: this text, an exit status of 1 to 3 digits, a newline. `command` must print it
   * last, and exactly once.
   */
  readonly endMark: string;
}

/** Builds a RepeatingCommand; `command` must be one fixed line of POSIX shell that prints `endMark` last. */
export function repeatingCommand(command: string, endMark: string): RepeatingCommand {
  if (command.includes('\n') || !endMark) throw new Error('a repeating command is one line with an end mark');
  return { command, endMark, loop: `while read -r _; do { ${command}; } </dev/null; done` };
}
