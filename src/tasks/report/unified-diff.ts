import { structuredPatch } from 'diff';

// GNU diff's hunk ranges: "start" for one line, "start,count" otherwise; an empty side names the line before it
// (jsdiff's own formatPatch makes the same correction of structuredPatch's start)
const range = (start: number, count: number) =>
  count === 1 ? `${start}` : `${count === 0 ? start - 1 : start},${count}`;

/**
 * A unified diff (`diff -u` format, `context` lines around each change) from oldText to newText; '' when equal.
 * A missing old file is the empty text, shown against /dev/null. jsdiff (Myers' algorithm) finds the changes;
 * only the lines are written here, in GNU diff's spelling of the hunk ranges.
 */
export function unifiedDiff(
  oldText: string | null,
  newText: string,
  names: { old: string; new: string },
  context = 3,
): string {
  if (oldText === newText) return '';
  const { hunks } = structuredPatch('a', 'b', oldText ?? '', newText, '', '', { context });
  const out = [`--- ${oldText === null ? '/dev/null' : names.old}`, `+++ ${names.new}`];
  for (const h of hunks)
    out.push(`@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`, ...h.lines);
  return `${out.join('\n')}\n`;
}
