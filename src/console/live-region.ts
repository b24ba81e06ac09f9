/** Columns a string takes on a terminal: pictographs (✅, ⏳) take two, variation selectors none. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch);
  return width;
}

function charWidth(ch: string): number {
  if (ch === '\uFE0F' || ch === '\u200D') return 0;
  return /\p{Extended_Pictographic}/u.test(ch) ? 2 : 1;
}

/** Cuts a line to fit in `columns - 1` so that it never wraps: each live line is exactly one row to redraw. */
export function fitLine(line: string, columns: number): string {
  const max = Math.max(10, columns - 1);
  if (displayWidth(line) <= max) return line;
  let out = '';
  let width = 0;
  for (const ch of line) {
    if (width + charWidth(ch) > max - 1) break;
    out += ch;
    width += charWidth(ch);
  }
  return `${out}…`;
}

/**
 * The lines of the running blocks that fit on the screen (one row each, the prompt's row kept free): when they
 * do not all fit, the last ones, under a line that says how many are hidden until the block is done.
 */
export function fitLive(lines: readonly string[], columns: number, rows: number): string[] {
  const room = Math.max(3, rows - 2);
  const fitted = lines.map((l) => fitLine(l, columns));
  if (fitted.length <= room) return fitted;
  const hidden = fitted.length - (room - 1);
  return [`… ${hidden} more lines above (shown in full when done)`, ...fitted.slice(hidden)];
}

/** Moves the cursor back to the first row of what was drawn `rowsUp` rows ago and clears from there down. */
export function eraseRows(rowsUp: number): string {
  return `\r${rowsUp > 0 ? `\x1b[${rowsUp}A` : ''}\x1b[J`;
}
