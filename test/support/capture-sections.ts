import { readFileSync } from 'node:fs';

/**
 * The sections of a capture in test/fixtures: the text after '### ' on a line names the command, the lines up to
 * the next '### ' are its exact output (with their newlines). Leading '#' note lines are skipped.
 */
export function captureSections(file: URL): Map<string, string> {
  const result = new Map<string, string>();
  let name: string | undefined;
  for (const line of readFileSync(file, 'utf8').split(/(?<=\n)/)) {
    if (line.startsWith('### ')) {
      name = line.slice(4).replace(/\n$/, '');
      result.set(name, '');
    } else if (name !== undefined) {
      result.set(name, `${result.get(name)}${line}`);
    }
  }
  return result;
}
