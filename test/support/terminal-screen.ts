/**
 * A tiny terminal for tests: applies what a program wrote to a terminal (text, CR, LF, cursor up/down/column,
 * erase below and erase line; colours ignored) and returns the screen's lines as a person would read them.
 * Enough for labops' console view and readline; lines do not wrap (the view cuts its live lines to the width).
 */
export function screenOf(output: string): string[] {
  const lines: string[][] = [[]];
  let row = 0;
  let col = 0;
  const at = (r: number) => {
    while (lines.length <= r) lines.push([]);
    return lines[r] as string[];
  };
  const put = (ch: string) => {
    const line = at(row);
    while (line.length < col) line.push(' ');
    line[col++] = ch;
  };
  const chars = [...output];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch === '\x1b' && chars[i + 1] === '[') {
      let j = i + 2;
      let params = '';
      while (j < chars.length && !/[A-Za-z]/.test(chars[j] as string)) params += chars[j++];
      const cmd = chars[j];
      const n = Number(params.replace(/^\?/, '')) || 0;
      if (cmd === 'A') row = Math.max(0, row - (n || 1));
      else if (cmd === 'B') row += n || 1;
      else if (cmd === 'C') col += n || 1;
      else if (cmd === 'D') col = Math.max(0, col - (n || 1));
      else if (cmd === 'G') col = Math.max(0, (n || 1) - 1);
      else if (cmd === 'J' && n === 0) {
        at(row).length = Math.min(at(row).length, col);
        lines.length = row + 1;
      } else if (cmd === 'K' && n === 0) at(row).length = Math.min(at(row).length, col);
      else if (cmd === 'K' && n === 2) lines[row] = [];
      i = j;
      continue;
    }
    if (ch === '\r') col = 0;
    else if (ch === '\n') {
      row++;
      col = 0; // a terminal's output post-processing turns LF into CR LF
      at(row);
    } else if (ch >= ' ') put(ch);
  }
  const text = lines.map((l) => l.join('').trimEnd());
  while (text.length > 0 && text.at(-1) === '') text.pop();
  return text;
}
