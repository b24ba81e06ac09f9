/** What a command printed beyond the cap: dropped, only counted. */
export interface OutputCut {
  /** The cap, in bytes, for each of stdout and stderr. */
  limitBytes: number;
  /** Bytes of stdout and of stderr that were not kept. */
  stdoutBytes: number;
  stderrBytes: number;
}

/** Of each stream's cap, this much is kept from its end: exit markers and the last error lines live there. */
const TAIL_SHARE = 1 / 16;

/** One decoder for every output: a decode without `stream` starts afresh each time, nothing carries over. */
const UTF8 = new TextDecoder();

const isContinuation = (byte: number | undefined) => byte !== undefined && (byte & 0xc0) === 0x80;

/**
 * One stream's output, kept up to `limitBytes`: its first bytes and its last ones; the middle is dropped and
 * counted. Bytes are decoded once at the end, so a UTF-8 character split across chunks stays whole, and invalid
 * bytes become U+FFFD instead of throwing.
 */
export function createCappedOutput(limitBytes: number) {
  const tailLimit = Math.floor(limitBytes * TAIL_SHARE);
  let headRoom = limitBytes - tailLimit;
  const head: Buffer[] = [];
  const tail: Buffer[] = [];
  let tailSize = 0;
  let dropped = 0;
  const toTail = (chunk: Buffer) => {
    tail.push(Buffer.from(chunk)); // a copy: the chunk's memory may belong to a larger buffer
    tailSize += chunk.length;
    // whole chunks leave the front while what stays still covers the tail
    while (tail.length > 1 && tailSize - (tail[0]?.length ?? 0) >= tailLimit) {
      const first = tail.shift()?.length ?? 0;
      tailSize -= first;
      dropped += first;
    }
  };
  return {
    push(chunk: Buffer): void {
      if (headRoom > 0) {
        let n = Math.min(headRoom, chunk.length);
        while (n < chunk.length && n > 0 && isContinuation(chunk[n])) n--; // the head ends on a whole character
        head.push(Buffer.from(chunk.subarray(0, n)));
        headRoom = n < chunk.length ? 0 : headRoom - n;
        chunk = chunk.subarray(n);
      }
      if (chunk.length > 0) toTail(chunk);
    },
    /** Bytes seen and not kept. */
    droppedBytes(): number {
      return dropped + Math.max(0, tailSize - tailLimit);
    },
    text(): string {
      const decode = (bufs: Buffer[]) =>
        UTF8.decode(bufs.length === 1 && bufs[0] ? bufs[0] : Buffer.concat(bufs));
      const all = Buffer.concat(tail);
      const over = Math.max(0, all.length - tailLimit);
      if (dropped + over === 0) return decode([...head, all]);
      let from = over;
      while (isContinuation(all[from])) from++;
      const tailText = decode([all.subarray(from)]);
      // the tail starts on a line of its own: half a line would read as something the host said
      const nl = tailText.indexOf('\n');
      return `${decode(head)}\n${nl >= 0 && nl < tailText.length - 1 ? tailText.slice(nl + 1) : tailText}`;
    },
  };
}

const size = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;

/** For a reply: "output cut at 1 MiB (49 MiB left out)". Pure. */
export function outputCutNote(cut: OutputCut): string {
  return `output cut at ${size(cut.limitBytes)} (${size(cut.stdoutBytes + cut.stderrBytes)} left out)`;
}
