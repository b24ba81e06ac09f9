import type { Inventory } from '../inventory/index.js';
import type { SshPool } from '../ssh/ssh-pool.js';
import { checkHost } from '../tasks/chrony/check-host.js';
import { errorStatus, type NtpHostStatus, type NtpThresholds } from '../tasks/chrony/classify.js';
import { fanOutSignal } from '../workers/fan-out-signal.js';
import type { NtpRunStore } from './run-store.js';
import type { NtpShardJob } from './shard-job.js';

export interface NtpShardDeps {
  store: Pick<NtpRunStore, 'record' | 'recorded'>;
  inventory(): Inventory;
  ssh: Pick<SshPool, 'exec'>;
  thresholds: NtpThresholds;
  /** Aborted by a cancel of the shard's `ntp.status` job: the commands under way are killed, none starts. */
  signal: AbortSignal;
}

export type NtpShardResult = { checked: number; skipped: number } | { cancelled: true };

/** A host the coordinator's inventory had and this worker's has not: said, not skipped. */
function notInInventory(host: string): NtpHostStatus {
  return errorStatus(
    host,
    'not-checked',
    'not in the inventory of the worker that had it',
    'Give every worker the same inventory (LAB_INVENTORY, LAB_POLICY), then run the command again.',
  );
}

/**
 * One shard of a shared `/lab ntp status`: chronyc on each of its hosts over this worker's pooled connections, each
 * status recorded in the run as soon as it is known (the coordinator reports from there). A shard run again
 * (retried, or handed on from a worker that died) checks only the hosts without a status yet.
 */
export async function checkNtpShard(deps: NtpShardDeps, shard: NtpShardJob): Promise<NtpShardResult> {
  const done = await deps.store.recorded(shard.parent, shard.hosts);
  const todo = shard.hosts.filter((h) => !done.has(h));
  const inventory = deps.inventory();
  // one listener on the shard's signal however many hosts there are
  const fan = fanOutSignal(deps.signal);
  try {
    await Promise.all(
      todo.map(async (name) => {
        const host = inventory.hosts.get(name);
        const status = host
          ? await checkHost(deps.ssh, host, deps.thresholds, fan.child())
          : notInInventory(name);
        // after a cancel a host's "cancelled" is no answer: nobody reads the run any more
        if (!deps.signal.aborted) await deps.store.record(shard.parent, status);
      }),
    );
  } finally {
    fan.close();
  }
  if (deps.signal.aborted) return { cancelled: true };
  return { checked: todo.length, skipped: shard.hosts.length - todo.length };
}
