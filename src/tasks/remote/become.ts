import { z } from 'zod';
import type { InventoryHost } from '../../inventory/index.js';
import { shellQuote } from './shell-quote.js';

// Ansible reads these spellings as booleans in an inventory
const Flag = z.union([
  z.boolean(),
  z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(['true', 'false', 'yes', 'no', 'on', 'off', '1', '0']))
    .transform((s) => ['true', 'yes', 'on', '1'].includes(s)),
]);

/** Whether changing commands on this host go through `sudo -n`: a non-root login with ansible_become set. */
export function usesSudo(host: InventoryHost): boolean {
  if (host.user === 'root') return false;
  const become = Flag.safeParse(host.vars.ansible_become ?? false);
  return become.success && become.data;
}

/**
 * A command as root: unchanged for root logins, else `sudo -n sh -c '<command>'`. -n: never wait for a password
 * that nobody can type; sudo says "a password is required" instead.
 */
export function asRoot(host: InventoryHost, command: string): string {
  return usesSudo(host) ? `sudo -n sh -c ${shellQuote(command)}` : command;
}

// what sudo prints when it will not run a command for this user
const REFUSALS = [
  /^sudo: a password is required$/m,
  /^sudo: a terminal is required.*$/m,
  /^.* is not in the sudoers file.*$/m,
  /^Sorry, user .* is not allowed to execute .*$/m,
];

/** sudo's own refusal in a failed command's output, as one line; undefined when sudo was not the problem. */
export function sudoRefusal(output: string, exitCode: number | null): string | undefined {
  for (const pattern of REFUSALS) {
    const line = pattern.exec(output)?.[0];
    if (line) return line.trim();
  }
  if (exitCode === 127 && /sudo: (command )?not found/.test(output)) return 'sudo is not installed';
  return undefined;
}
