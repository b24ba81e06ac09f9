/** The first non-blank line of a command's output, trimmed and cut at `max` characters: enough for a message. */
export function firstLine(text: string, max = 200): string {
  const line =
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
