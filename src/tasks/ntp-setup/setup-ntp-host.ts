import type { Inventory, InventoryHost } from '../../inventory/index.js';
import type { SshPool } from '../../ssh/ssh-pool.js';
import type { NtpHostStatus, NtpThresholds } from '../chrony/classify.js';
import { formatDuration } from '../chrony/format-offset.js';
import type { Failure } from '../remote/failure.js';
import { applyNtpActions } from './apply-ntp-host.js';
import { inspectNtpHost } from './inspect-ntp-host.js';
import type { NtpRole } from './ntp-targets.js';
import { waitForSync } from './wait-for-sync.js';

/** What `/lab ntp setup` did on one host. */
export interface NtpHostResult {
  host: string;
  role?: NtpRole;
  /** changed: something was done; unchanged: nothing needed doing; failed: see failure (done says how far it got). */
  outcome: 'changed' | 'unchanged' | 'failed';
  done: string[];
  notes: string[];
  /** The unified diff of chrony.conf, when it was rewritten. */
  diff?: string;
  /** The host's NTP status once it was done (or when waiting for it ended). */
  status?: NtpHostStatus;
  failure?: Failure;
}

/** Re-reads the host, makes what changes are still needed, then waits until it keeps time. Never throws for host problems. */
export async function setupNtpHost(
  ssh: Pick<SshPool, 'exec'>,
  inventory: Inventory,
  host: InventoryHost,
  o: { thresholds: NtpThresholds; signal?: AbortSignal },
): Promise<NtpHostResult> {
  const seen = await inspectNtpHost(ssh, inventory, host, o.signal);
  const base = { host: host.name, role: seen.role, notes: seen.plan?.notes ?? [] };
  if (seen.failure || !seen.plan || !seen.role || !seen.vars) {
    return { ...base, outcome: 'failed', done: [], failure: seen.failure };
  }
  const { actions } = seen.plan;
  const write = actions.find((a) => a.kind === 'write-conf');
  const diff = write?.kind === 'write-conf' ? write.diff : undefined;
  const applied = await applyNtpActions(ssh, host, actions, o.signal);
  const changed = applied.done.length > 0 ? ('changed' as const) : ('unchanged' as const);
  if (applied.failure)
    return { ...base, outcome: 'failed', done: applied.done, diff, failure: applied.failure };

  const timeoutMs = seen.vars.ntp_verify_timeout_s * 1000;
  const sync = await waitForSync(ssh, host, seen.role, {
    timeoutMs,
    thresholds: o.thresholds,
    signal: o.signal,
  });
  if (sync.synced) return { ...base, outcome: changed, done: applied.done, diff, status: sync.status };
  const why = sync.status.reason ?? sync.status.state;
  return {
    ...base,
    outcome: 'failed',
    done: applied.done,
    diff,
    status: sync.status,
    failure: {
      message: `no time source selected after ${formatDuration(sync.waitedMs / 1000)}: ${why}`,
      hint:
        sync.status.hint ??
        (seen.role === 'client'
          ? 'Check that the time servers run and answer on UDP 123 from this host.'
          : 'Check chronyd on the host (journalctl -u chronyd).'),
    },
  };
}
