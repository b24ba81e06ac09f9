/** Quotes one word for a POSIX shell; words of plain characters stay readable in the host's logs. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./=,:@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The one shape of every openstack call labops makes: admin credentials from keystonerc_admin (as packstack
 * writes it) in the login user's home, then the CLI with fixed words and zod-validated values, each quoted.
 */
export function openstackCommand(args: readonly string[]): string {
  return `. ~/keystonerc_admin && openstack ${args.map(shellQuote).join(' ')}`;
}
