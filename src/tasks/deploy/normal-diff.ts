// the final newline ends the last line, it does not start another
const linesOf = (t: string) => (t === '' ? [] : (t.endsWith('\n') ? t.slice(0, -1) : t).split('\n'));

/** "11" or "46,47": a line range as diff(1) writes it. */
const range = (from: number, to: number) => (from === to ? `${from}` : `${from},${to}`);

/**
 * `diff NEW OLD` in diff(1)'s normal format, as the runbook runs it after editing (`11c11`, `< new`, `---`,
 * `> old`), for two versions of a file edited in place: same number of lines, changed lines only. Lines added at
 * the end of one file show as `d`/`a` hunks the way diff prints them (`1186d1185`, `1185a1186`).
 */
export function normalDiff(newText: string, oldText: string): string {
  const a = linesOf(newText);
  const b = linesOf(oldText);
  const common = Math.min(a.length, b.length);
  const out: string[] = [];
  let i = 0;
  while (i < common) {
    if (a[i] === b[i]) {
      i++;
      continue;
    }
    const start = i;
    while (i < common && a[i] !== b[i]) i++;
    out.push(`${range(start + 1, i)}c${range(start + 1, i)}`);
    out.push(...a.slice(start, i).map((l) => `< ${l}`), '---', ...b.slice(start, i).map((l) => `> ${l}`));
  }
  const extraNew = a.slice(common);
  const extraOld = b.slice(common);
  if (extraNew.length > 0)
    out.push(`${range(common + 1, common + extraNew.length)}d${common}`, ...extraNew.map((l) => `< ${l}`));
  if (extraOld.length > 0)
    out.push(`${common}a${range(common + 1, common + extraOld.length)}`, ...extraOld.map((l) => `> ${l}`));
  return out.join('\n');
}
