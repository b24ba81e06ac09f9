import { shellWord } from '../remote/shell-quote.js';

/**
 * The one shape of every openstack call labops makes: admin credentials from keystonerc_admin (as packstack
 * writes it) in the login user's home, then the CLI with fixed words and zod-validated values, each quoted.
 */
export function openstackCommand(args: readonly string[]): string {
  return `. ~/keystonerc_admin && openstack ${args.map(shellWord).join(' ')}`;
}
