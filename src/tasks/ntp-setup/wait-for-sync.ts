import { HostError } from '../../errors.js';
import type { InventoryHost } from '../../inventory/index.js';
import type { SshPool } from '../../ssh/ssh-pool.js';
import { errorStatus, type NtpHostStatus, type NtpThresholds } from '../chrony/classify.js';
import { NTP_STATUS_COMMAND } from '../chrony/remote-command.js';
import { sleep } from '../remote/sleep.js';
import { judgeSync } from './judge-sync.js';
import type { NtpRole } from './ntp-targets.js';

const POLL_MS = 1000;

/**
 * Polls the host's chronyc (the same command as /lab ntp status) until it is synced or `timeoutMs` passes;
 * returns the last status seen. SSH failures while waiting are statuses too, never exceptions.
 */
export async function waitForSync(
  ssh: Pick<SshPool, 'exec'>,
  host: InventoryHost,
  role: NtpRole,
  o: { timeoutMs: number; thresholds: NtpThresholds; signal?: AbortSignal },
): Promise<{ synced: boolean; status: NtpHostStatus; waitedMs: number }> {
  const started = Date.now();
  for (;;) {
    let verdict: { synced: boolean; status: NtpHostStatus };
    try {
      const { stdout } = await ssh.exec(host, NTP_STATUS_COMMAND, { signal: o.signal });
      verdict = judgeSync(host.name, role, stdout, o.thresholds);
    } catch (err) {
      if (!(err instanceof HostError)) throw err;
      verdict = { synced: false, status: errorStatus(host.name, err.code, err.message, err.hint) };
    }
    const waitedMs = Date.now() - started;
    if (verdict.synced || waitedMs + POLL_MS > o.timeoutMs || o.signal?.aborted)
      return { ...verdict, waitedMs };
    await sleep(POLL_MS, o.signal);
  }
}
