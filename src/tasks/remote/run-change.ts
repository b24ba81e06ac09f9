import { HostError } from '../../errors.js';
import type { InventoryHost } from '../../inventory/index.js';
import type { ExecOptions, ExecResult, SshPool } from '../../ssh/ssh-pool.js';
import { asRoot, sudoRefusal } from './become.js';
import { sudoBlocker } from './failure.js';
import { firstLine } from './first-line.js';

/**
 * Runs one changing command as root (sudo -n where the inventory says so). A non-zero exit becomes a HostError
 * that says what could not be done and why; sudo's refusal is named as such.
 * `what` describes the change for people, e.g. "write /etc/chrony.conf" (the command itself may be long).
 */
export async function runChange(
  ssh: Pick<SshPool, 'exec'>,
  host: InventoryHost,
  what: string,
  command: string,
  opts: Pick<ExecOptions, 'signal' | 'timeoutMs' | 'stdin'> = {},
): Promise<ExecResult> {
  const result = await ssh.exec(host, asRoot(host, command), opts);
  if (result.code === 0) return result;
  const output = `${result.stderr}\n${result.stdout}`;
  const refusal = sudoRefusal(output, result.code);
  if (refusal) {
    const { message, hint } = sudoBlocker({ host: host.name, user: host.user }, refusal);
    throw new HostError(host.name, 'command-failed', `${message}, so labops could not ${what}`, hint);
  }
  throw new HostError(
    host.name,
    'command-failed',
    `could not ${what} (exit ${result.code ?? 'signal'}: ${firstLine(output) || 'no output'})`,
    `Log in to ${host.name} and try to ${what} by hand to see the whole error.`,
  );
}
