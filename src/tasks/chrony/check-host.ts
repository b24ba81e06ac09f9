import { HostError } from '../../errors.js';
import type { InventoryHost } from '../../inventory/index.js';
import { outputCutNote } from '../../ssh/capped-output.js';
import type { PoolSsh } from '../../ssh/ssh-pool.js';
import { errorStatus, type NtpHostStatus, type NtpThresholds } from './classify.js';
import { ntpStatusFromOutput } from './host-status.js';
import { NTP_STATUS_COMMAND, NTP_STATUS_REPEATING } from './remote-command.js';

/**
 * Checks one host over SSH; every failure becomes that host's status, never an exception. Over the pool's
 * long-lived status loop where it has one (the same command, the same output), else by exec.
 */
export async function checkHost(
  ssh: PoolSsh,
  host: InventoryHost,
  thresholds: NtpThresholds,
  signal?: AbortSignal,
): Promise<NtpHostStatus> {
  try {
    const { stdout, truncated } = ssh.execRepeating
      ? await ssh.execRepeating(host, NTP_STATUS_REPEATING, { signal })
      : await ssh.exec(host, NTP_STATUS_COMMAND, { signal });
    const status = ntpStatusFromOutput(host.name, stdout, thresholds);
    // what labops read was not all the host printed: the reply says so
    if (!truncated) return status;
    return { ...status, outputCut: outputCutNote(truncated) };
  } catch (err) {
    if (err instanceof HostError) return errorStatus(host.name, err.code, err.message, err.hint);
    throw err;
  }
}
