import { readdirSync, readFileSync } from 'node:fs';

const DIR = new URL('../../fixtures/chrony/', import.meta.url);

/** Every capture in test/fixtures/chrony. */
export const FIXTURE_FILES: readonly string[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .sort();

/**
 * The sections of a capture: the text after '### ' on a line names the command, the lines up to the next
 * '### ' are its exact output (with their newlines). Leading '#' note lines are skipped.
 */
export function sections(file: string): Map<string, string> {
  const result = new Map<string, string>();
  let name: string | undefined;
  for (const line of readFileSync(new URL(file, DIR), 'utf8').split(/(?<=\n)/)) {
    if (line.startsWith('### ')) {
      name = line.slice(4).replace(/\n$/, '');
      result.set(name, '');
    } else if (name !== undefined) {
      result.set(name, `${result.get(name)}${line}`);
    }
  }
  return result;
}

/** One section's output; fails the test if the capture has no such section. */
export function section(file: string, name: string): string {
  const text = sections(file).get(name);
  if (text === undefined) throw new Error(`${file} has no "### ${name}" section`);
  return text;
}

/** The sections of every capture whose command matches, as [file, command, output]. */
export function allSections(command: RegExp): [string, string, string][] {
  return FIXTURE_FILES.flatMap((file) =>
    [...sections(file)]
      .filter(([name]) => command.test(name))
      .map(([name, text]): [string, string, string] => [file, name, text]),
  );
}

/** What `fn` threw; fails the test if it returned normally. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an exception, but the call returned');
}
