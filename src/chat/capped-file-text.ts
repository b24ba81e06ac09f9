/** The most of a text that labops uploads to Slack as one file: enough to read, not a host's whole flood. */
export const MAX_FILE_TEXT_BYTES = 256 * 1024;

/** Of what is kept, this share comes from the start; the rest from the end, where the last errors are. */
const HEAD_SHARE = 3 / 4;

const isContinuation = (byte: number | undefined) => byte !== undefined && (byte & 0xc0) === 0x80;

const kib = (bytes: number) => `${Math.ceil(bytes / 1024)} KiB`;

const noteOf = (leftOutBytes: number, maxBytes: number) =>
  `\n\n[… ${kib(leftOutBytes)} left out here: labops uploads at most ${kib(maxBytes)} of an output …]\n\n`;

/**
 * A text as UTF-8 of at most `maxBytes`: its start and its end, with a line between them that says how much was
 * left out and why. `leftOutBytes` is 0 when the text fits. Pure.
 */
export function cappedFileText(
  text: string,
  maxBytes = MAX_FILE_TEXT_BYTES,
): { bytes: Uint8Array; leftOutBytes: number } {
  const all = Buffer.from(text, 'utf8');
  if (all.length <= maxBytes) return { bytes: all, leftOutBytes: 0 };
  // the note counts against the cap, so a capped text passes through the cap again unchanged
  const budget = maxBytes - Buffer.byteLength(noteOf(all.length, maxBytes));
  let headEnd = Math.floor(budget * HEAD_SHARE);
  while (isContinuation(all[headEnd])) headEnd--;
  let tailStart = all.length - (budget - Math.floor(budget * HEAD_SHARE));
  while (isContinuation(all[tailStart])) tailStart++;
  const leftOutBytes = tailStart - headEnd;
  return {
    bytes: Buffer.concat([
      all.subarray(0, headEnd),
      Buffer.from(noteOf(leftOutBytes, maxBytes)),
      all.subarray(tailStart),
    ]),
    leftOutBytes,
  };
}
