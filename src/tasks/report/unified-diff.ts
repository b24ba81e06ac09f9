/** One line of an edit script: kept, removed from the old text, or added by the new one. */
type Edit = { op: ' ' | '-' | '+'; line: string };

// Above this many cells the LCS table costs too much; such files are shown as replaced whole.
const MAX_CELLS = 4_000_000;

// Marks a last line that has no newline, so "x" and "x\n" compare as different lines, as in diff -u.
const NO_EOL = '\u0000';

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  else lines[lines.length - 1] += NO_EOL;
  return lines;
}

/** Longest-common-subsequence edit script; fine for config files of a few thousand lines. */
function editScript(a: string[], b: string[]): Edit[] {
  if (a.length * b.length > MAX_CELLS) {
    return [
      ...a.map((line) => ({ op: '-' as const, line })),
      ...b.map((line) => ({ op: '+' as const, line })),
    ];
  }
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
    }
  }
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      edits.push({ op: ' ', line: a[i++] ?? '' });
      j++;
    } else if (
      i < a.length &&
      (j === b.length || (lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0))
    ) {
      // removals before additions within a change, as diff -u prints them
      edits.push({ op: '-', line: a[i++] ?? '' });
    } else {
      edits.push({ op: '+', line: b[j++] ?? '' });
    }
  }
  return edits;
}

const range = (start: number, count: number) =>
  count === 1 ? `${start}` : `${count === 0 ? start - 1 : start},${count}`;

/**
 * A unified diff (`diff -u` format, `context` lines around each change) from oldText to newText; '' when equal.
 * A missing old file is the empty text, shown against /dev/null.
 */
export function unifiedDiff(
  oldText: string | null,
  newText: string,
  names: { old: string; new: string },
  context = 3,
): string {
  if (oldText === newText) return '';
  const a = splitLines(oldText ?? '');
  const b = splitLines(newText);
  const edits = editScript(a, b);
  const changed = edits.map((e, k) => (e.op === ' ' ? -1 : k)).filter((k) => k >= 0);
  const out = [`--- ${oldText === null ? '/dev/null' : names.old}`, `+++ ${names.new}`];
  let k = 0;
  while (k < changed.length) {
    const first = changed[k] ?? 0;
    let last = first;
    // a hunk goes on while the next change is within 2 * context kept lines
    while (k + 1 < changed.length && (changed[k + 1] ?? 0) - last <= 2 * context + 1)
      last = changed[++k] ?? last;
    k++;
    const from = Math.max(0, first - context);
    const to = Math.min(edits.length, last + context + 1);
    const before = edits.slice(0, from);
    const oldStart = before.filter((e) => e.op !== '+').length + 1;
    const newStart = before.filter((e) => e.op !== '-').length + 1;
    const hunk = edits.slice(from, to);
    const oldCount = hunk.filter((e) => e.op !== '+').length;
    const newCount = hunk.filter((e) => e.op !== '-').length;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    for (const e of hunk) {
      if (!e.line.endsWith(NO_EOL)) out.push(`${e.op}${e.line}`);
      else out.push(`${e.op}${e.line.slice(0, -1)}`, '\\ No newline at end of file');
    }
  }
  return `${out.join('\n')}\n`;
}
