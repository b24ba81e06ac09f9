/**
 * The longest line a parser reads. Real tool output lines are short (packstack's longest are paths, about 200
 * characters); a host printing megabyte lines must not make a parser's work grow with the square of a line.
 */
export const MAX_LINE_CHARS = 4096;

/** The line, cut at `max` characters. */
export const cutLine = (line: string, max = MAX_LINE_CHARS): string =>
  line.length > max ? line.slice(0, max) : line;

/** The lines of `text`, each cut at `max` characters. */
export const boundedLines = (text: string, max = MAX_LINE_CHARS): string[] =>
  text.split('\n').map((l) => cutLine(l, max));
