import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Writes a bench's section (`name`) of docs/BENCHMARKS.md between its markers; the rest of the file belongs to other
 * benches (e.g. `npm run bench:drift`) and is kept. A new section goes right under the title.
 */
export function writeReportSection(path: string, body: string, name = 'ntp-status'): void {
  const [BEGIN, END] = [`<!-- ${name}:begin -->`, `<!-- ${name}:end -->`];
  let text = '# Benchmarks\n';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    // first bench to write the file
  }
  const section = `${BEGIN}\n${body.trim()}\n${END}`;
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin >= 0 && end > begin) {
    writeFileSync(path, `${text.slice(0, begin)}${section}${text.slice(end + END.length)}`);
    return;
  }
  const title = /^# .*\n/m.exec(text);
  const at = title ? title.index + title[0].length : 0;
  const rest = text.slice(at).replace(/^\n+/, '');
  writeFileSync(path, `${text.slice(0, at)}\n${section}\n${rest ? `\n${rest}` : ''}`);
}
