/** Only users in LAB_ADMINS may run changing commands; read-only commands stay open to the channel. */
export function isAdmin(admins: readonly string[], user: string): boolean {
  return admins.includes(user);
}

export function refusal(command: string): string {
  return `Only lab admins may run \`/lab ${command}\` (it changes lab hosts). Ask an admin, or to be added to LAB_ADMINS.`;
}
