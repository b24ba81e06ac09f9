import { HostError, ParseError } from '../../errors.js';
import type { InventoryHost } from '../../inventory/index.js';
import type { SshPool } from '../../ssh/ssh-pool.js';
import { openstackCommand } from './openstack-command.js';
import { openstackFailure } from './openstack-failure.js';

export type Ssh = Pick<SshPool, 'exec'>;

/**
 * `openstack <args>` (plus `-f json` when asked) on the controller with admin credentials; throws HostError
 * saying what to do next.
 */
async function run(
  ssh: Ssh,
  host: InventoryHost,
  args: readonly string[],
  json: boolean,
  signal?: AbortSignal,
) {
  const result = await ssh.exec(host, openstackCommand(json ? [...args, '-f', 'json'] : args), { signal });
  if (result.code !== 0) {
    const words = ['openstack', ...args].join(' ');
    const f = openstackFailure(host.name, `${result.stdout}\n${result.stderr}`, result.code, words);
    throw new HostError(host.name, f.code, f.message, f.hint);
  }
  return result;
}

/** A read or create that prints JSON (`-f json` is added); its parsed output. */
export async function openstackJson(
  ssh: Ssh,
  host: InventoryHost,
  args: readonly string[],
  signal?: AbortSignal,
): Promise<unknown> {
  const { stdout } = await run(ssh, host, args, true, signal);
  try {
    return JSON.parse(stdout);
  } catch {
    throw new ParseError(
      `openstack ${args.slice(0, 2).join(' ')} on ${host.name} did not print JSON`,
      stdout,
    );
  }
}

/** A change that prints nothing on success (router set, router add subnet). */
export async function openstackAction(
  ssh: Ssh,
  host: InventoryHost,
  args: readonly string[],
  signal?: AbortSignal,
): Promise<void> {
  await run(ssh, host, args, false, signal);
}
