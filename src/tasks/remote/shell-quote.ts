/** One shell word in single quotes: the shell interprets nothing inside; a quote becomes '\''. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A shell word that stays readable in the host's logs when it has only plain characters, else {@link shellQuote}. */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9_./=,:@%+-]+$/.test(text) ? text : shellQuote(text);
}
