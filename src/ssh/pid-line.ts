const EMPTY = Buffer.alloc(0);
const PID_MARK = '@@labops-pgid ';
const PID_LINE = new RegExp(`^${PID_MARK}(\\d+)\\n`);
/** The fixed prefix every command gets: its shell reports its pid, the session's process group, on stderr. */
export const PID_PREFIX = `echo "${PID_MARK}$$" >&2; `;

/** What a reader of a command's stderr does with its first line. */
export interface PidLineReader {
  /** The bytes of stderr that are the command's own (after the pid line); empty while the first line is coming. */
  push(chunk: Buffer): Buffer;
  /** What is held of a first line that never ended (at the channel's close): the command's own stderr. */
  flush(): Buffer;
}

/**
 * Reads the pid line PID_PREFIX prints first on stderr (it may come in pieces) and hands on the rest. A shell that
 * did not print it (a first line of something else, or 64 bytes without a newline) has its stderr kept as it came.
 * Pure but for `onPid`.
 */
export function pidLineReader(onPid: (pid: number) => void): PidLineReader {
  let head: Buffer = EMPTY;
  let done = false;
  return {
    push(chunk) {
      if (done) return chunk;
      head = head.length ? Buffer.concat([head, chunk]) : chunk;
      const m = PID_LINE.exec(head.toString('latin1'));
      if (!m && head.length < 64 && !head.includes(0x0a)) return EMPTY;
      done = true;
      const rest = head.subarray(m ? m[0].length : 0);
      head = EMPTY;
      // the pid is a number read back from the host, never text from a user; and never 0 or 1: `kill -- -1` as
      // root would kill every process on the host, `-0` the kill's own group. No session shell has such a pid.
      const pid = m ? Number(m[1]) : 0;
      if (pid > 1 && Number.isSafeInteger(pid)) onPid(pid);
      return rest;
    },
    flush() {
      const rest = head;
      head = EMPTY;
      done = true;
      return rest;
    },
  };
}
