/** One shell word in single quotes: the shell interprets nothing inside; a quote becomes '\''. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
