import { readdirSync } from 'node:fs';
import { captureSections } from '../../support/capture-sections.js';

const DIR = new URL('../../fixtures/chrony/', import.meta.url);

/** Every capture in test/fixtures/chrony. */
export const FIXTURE_FILES: readonly string[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .sort();

/** The sections of a capture here: '### ' names the command, the lines up to the next '### ' are its output. */
export const sections = (file: string): Map<string, string> => captureSections(new URL(file, DIR));

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
