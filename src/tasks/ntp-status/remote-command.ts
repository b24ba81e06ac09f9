import { ParseError } from '../../errors.js';

/** What one chronyc invocation printed (stdout and stderr together) and how it exited. */
export interface Section {
  output: string;
  exitCode: number;
}

/** The three chronyc outputs one host returns for `/lab ntp status`. */
export interface StatusOutput {
  tracking: Section;
  sourcesCsv: Section;
  sourcesTable: Section;
}

// A token chronyc never prints, so a marker line cannot be confused with its output.
const MARK = '@@labops-ntp@@';

const SECTIONS = [
  ['tracking', 'chronyc -n -c tracking'],
  ['sources-csv', 'chronyc -n -c sources'],
  ['sources-table', 'chronyc -n sources'],
] as const;

type SectionName = (typeof SECTIONS)[number][0];

/**
 * The one fixed command run over SSH on each host (POSIX shell). Each chronyc run is framed by a begin and an
 * end marker; the end marker carries its exit status, so "command not found" (127) and "506 Cannot talk to
 * daemon" (1) stay visible. stderr is folded into the section so the shell's own messages are kept.
 */
export const NTP_STATUS_COMMAND: string = [
  'LC_ALL=C',
  'export LC_ALL',
  ...SECTIONS.map(
    ([name, cmd]) => `echo '${MARK} begin ${name}'; ${cmd} 2>&1; echo "${MARK} end ${name} exit=$?"`,
  ),
].join('; ');

function takeSection(stdout: string, name: SectionName): Section {
  const begin = `${MARK} begin ${name}\n`;
  const start = stdout.indexOf(begin);
  if (start < 0) throw new ParseError(`no "${name}" section in the ntp status output`, stdout);
  const from = start + begin.length;
  // The end marker may follow output that lacks a final newline, so it is searched anywhere, not per line.
  const end = new RegExp(`${MARK} end ${name} exit=(\\d+)\\n?`).exec(stdout.slice(from));
  if (!end)
    throw new ParseError(`the "${name}" section of the ntp status output is cut short`, stdout.slice(from));
  return { output: stdout.slice(from, from + end.index), exitCode: Number(end[1]) };
}

/** Splits the output of {@link NTP_STATUS_COMMAND} into its sections; throws ParseError if a marker is missing. */
export function splitStatusOutput(stdout: string): StatusOutput {
  const text = stdout.replace(/\r\n/g, '\n');
  return {
    tracking: takeSection(text, 'tracking'),
    sourcesCsv: takeSection(text, 'sources-csv'),
    sourcesTable: takeSection(text, 'sources-table'),
  };
}
