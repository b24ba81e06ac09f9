import { HostError } from '../../errors.js';
import type { InventoryHost } from '../../inventory/index.js';
import type { SshPool } from '../../ssh/ssh-pool.js';
import { type Failure, failureOf } from '../remote/failure.js';
import { writeFileCommand } from '../remote/remote-file.js';
import { runChange } from '../remote/run-change.js';
import { shellQuote } from '../remote/shell-quote.js';
import { describeAction, type NtpAction } from './plan-ntp-host.js';

/**
 * The fixed command of one action; only validated values (paths, unit names) and base64 go into it, and a unit
 * name only after `--`, so that even a value that slipped past validation is never read as an option.
 */
function commandOf(a: NtpAction): string {
  switch (a.kind) {
    case 'write-conf':
      return writeFileCommand(a.path, a.content);
    case 'open-firewall':
      return 'firewall-cmd --permanent --add-service=ntp && firewall-cmd --reload';
    case 'enable':
      return `systemctl enable -- ${shellQuote(a.service)}`;
    case 'restart':
      return `systemctl restart -- ${shellQuote(a.service)}`;
  }
}

/** The action in an error message: "could not <what>". */
function whatOf(a: NtpAction): string {
  switch (a.kind) {
    case 'write-conf':
      return `write ${a.path}`;
    case 'open-firewall':
      return 'open UDP 123 in firewalld';
    case 'enable':
      return `enable ${a.service}`;
    case 'restart':
      return `restart ${a.service}`;
  }
}

/** Makes the planned changes in order; stops at the first that fails. Says what was done either way. */
export async function applyNtpActions(
  ssh: Pick<SshPool, 'exec'>,
  host: InventoryHost,
  actions: readonly NtpAction[],
  signal?: AbortSignal,
): Promise<{ done: string[]; failure?: Failure }> {
  const done: string[] = [];
  for (const action of actions) {
    try {
      await runChange(ssh, host, whatOf(action), commandOf(action), { signal });
      done.push(describeAction(action, 'done'));
    } catch (err) {
      if (err instanceof HostError) return { done, failure: failureOf(err) };
      throw err;
    }
  }
  return { done };
}
