import { createCappedOutput } from './capped-output.js';

const EMPTY = Buffer.alloc(0);
/** An exit status after the end mark: 1 to 3 digits (0-255), then the newline that ends the frame. */
const STATUS_TAIL = 4;

export interface FrameReader {
  /**
   * Takes the next bytes of the loop's stdout. Returns undefined while the frame goes on, or the bytes that
   * came after its end (which should be none: a loop answers one frame per newline it reads).
   */
  push(chunk: Buffer): Buffer | undefined;
  /** The frame's text as plain exec would have kept it: its first and last bytes when it passed the cap. */
  text(): string;
  /** Bytes of the frame not kept. */
  droppedBytes(): number;
}

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Reads one frame of a remote loop's stdout: everything up to and including the first line made of `endMark`, an
 * exit status and a newline (which may follow output without a final newline). Bytes are kept as
 * createCappedOutput keeps a command's (head and tail up to `maxOutputBytes`, the middle counted), so a host
 * printing far too much costs no more memory than it does through exec and reads the same. The mark is looked
 * for across chunk boundaries with a carry of its own length. Pure.
 */
export function frameReader(endMark: string, maxOutputBytes: number): FrameReader {
  const end = new RegExp(`${literal(endMark)}\\d{1,3}\\n`);
  const carryBytes = Buffer.byteLength(endMark, 'latin1') + STATUS_TAIL;
  const out = createCappedOutput(maxOutputBytes);
  let carry = '';
  return {
    push(chunk) {
      // latin1: one character a byte, so indexes in the text are indexes in the bytes
      const text = carry + chunk.toString('latin1');
      const m = end.exec(text);
      if (!m) {
        out.push(chunk);
        carry = text.slice(-carryBytes);
        return undefined;
      }
      const cut = m.index + m[0].length - carry.length;
      out.push(chunk.subarray(0, cut));
      return cut < chunk.length ? chunk.subarray(cut) : EMPTY;
    },
    text: () => out.text(),
    droppedBytes: () => out.droppedBytes(),
  };
}
