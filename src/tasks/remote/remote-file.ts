import { ParseError } from '../../errors.js';
import type { RemotePath } from './remote-path.js';
import type { Section } from './sections.js';
import { shellQuote } from './shell-quote.js';

const MAX_BASE64 = 96_000;

/** Where the previous content of a file labops replaces is kept. */
export const backupPath = (path: RemotePath) => `${path}.labops.bak`;

/**
 * Reads a file exactly (any bytes, any final newline) as base64, which cannot be confused with the section
 * markers. Prints "absent" for a missing file.
 */
export function readFileStep(path: RemotePath): string {
  const p = shellQuote(path);
  return `if [ -e ${p} ]; then echo present && base64 < ${p}; else echo absent; fi`;
}

/** The file's text from a {@link readFileStep} section: null when it does not exist. */
export function parseReadFile(section: Section, path: string): string | null {
  const [first = '', ...rest] = section.output.split('\n');
  if (section.exitCode === 0 && first === 'absent') return null;
  if (section.exitCode !== 0 || first !== 'present') {
    throw new ParseError(`cannot read ${path}`, section.output.trim() || `exit status ${section.exitCode}`);
  }
  return Buffer.from(rest.join(''), 'base64').toString('utf8');
}

/**
 * Replaces a file: the content travels as base64 (its alphabet needs no quoting), is decoded to a temporary file
 * next to it, takes the old file's mode, and is renamed over it, so readers see the old or the new file, never
 * half of one. The old file is kept as {@link backupPath}. The SELinux label is restored where restorecon exists.
 */
export function writeFileCommand(path: RemotePath, content: string): string {
  const b64 = Buffer.from(content, 'utf8').toString('base64');
  // the command travels as one argument (sh -c, sudo): Linux allows 128 kB for one
  if (b64.length > MAX_BASE64)
    throw new Error(`${path}: ${content.length} characters is too much for one command`);
  const p = shellQuote(path);
  const tmp = shellQuote(`${path}.labops.tmp`);
  const bak = shellQuote(backupPath(path));
  const steps = [
    'umask 022',
    `printf %s '${b64}' | base64 -d > ${tmp}`,
    `if [ -e ${p} ]; then cp -p ${p} ${bak} && chmod --reference=${p} ${tmp}; fi`,
    `mv -f ${tmp} ${p}`,
  ].join(' && ');
  // a failed step leaves no temporary file behind; a failed relabel does not undo the change
  return `{ ${steps}; } || { rm -f ${tmp}; exit 1; }; if command -v restorecon >/dev/null 2>&1; then restorecon ${p} || true; fi`;
}
