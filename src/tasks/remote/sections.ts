import { ParseError } from '../../errors.js';

/** What one step of a sectioned command printed (stdout and stderr together) and how it exited. */
export interface Section {
  output: string;
  exitCode: number;
}

/** A named step: the name is a fixed word, the command a fixed template with validated values. */
export type Step = readonly [name: string, command: string];

// a token no tool prints, so a marker line cannot be confused with output
const MARK = '@@labops-step@@';

/**
 * Several read-only steps in one SSH round trip (POSIX shell), each framed by markers; the end marker carries the
 * step's exit status. stderr is folded into the step's output.
 */
export function sectionedCommand(steps: readonly Step[]): string {
  for (const [name] of steps) if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`bad step name ${name}`);
  return [
    'LC_ALL=C',
    'export LC_ALL',
    ...steps.map(
      ([name, cmd]) => `echo '${MARK} begin ${name}'; ${cmd} 2>&1; echo "${MARK} end ${name} exit=$?"`,
    ),
  ].join('; ');
}

/** Splits the output of {@link sectionedCommand}; throws ParseError when a step's markers are missing. */
export function splitSections(stdout: string, names: readonly string[]): Map<string, Section> {
  const text = stdout.replace(/\r\n/g, '\n');
  const result = new Map<string, Section>();
  for (const name of names) {
    const begin = `${MARK} begin ${name}\n`;
    const start = text.indexOf(begin);
    if (start < 0) throw new ParseError(`no "${name}" section in the output`, stdout);
    const from = start + begin.length;
    // output without a final newline runs into the end marker, so it is searched anywhere
    const end = new RegExp(`${MARK} end ${name} exit=(\\d+)\\n?`).exec(text.slice(from));
    if (!end) throw new ParseError(`the "${name}" section is cut short`, text.slice(from));
    result.set(name, { output: text.slice(from, from + end.index), exitCode: Number(end[1]) });
  }
  return result;
}

/** The section, which splitSections guarantees for every name it was given. */
export function sectionOf(sections: Map<string, Section>, name: string): Section {
  const section = sections.get(name);
  if (!section) throw new Error(`no section ${name}`);
  return section;
}
