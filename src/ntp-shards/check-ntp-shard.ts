import type { Inventory } from '../inventory/index.js';
import type { PoolSsh } from '../ssh/ssh-pool.js';
import { checkHost } from '../tasks/chrony/check-host.js';
import { errorStatus, type NtpHostStatus, type NtpThresholds } from '../tasks/chrony/classify.js';
import { fanOutSignal } from '../workers/fan-out-signal.js';
import type { NtpRunStore } from './run-store.js';
import type { NtpShardJob } from './shard-job.js';

export interface NtpShardDeps {
  store: Pick<NtpRunStore, 'recordAll' | 'recorded' | 'isOpen'>;
  inventory(): Inventory;
  ssh: PoolSsh;
  thresholds: NtpThresholds;
  /** Aborted by a cancel of the shard's `ntp.status` job: the commands under way are killed, none starts. */
  signal: AbortSignal;
}

export type NtpShardResult = { checked: number; skipped: number } | { cancelled: true } | { abandoned: true };

/** A host the coordinator's inventory had and this worker's has not: said, not skipped. */
function notInInventory(host: string): NtpHostStatus {
  return errorStatus(
    host,
    'not-checked',
    'not in the inventory of the worker that had it',
    'Give every worker the same inventory (LAB_INVENTORY, LAB_POLICY), then run the command again.',
  );
}

// statuses go to Redis a batch at a time: one round trip for up to BATCH hosts, none kept back more than BATCH_MS
const BATCH = 25;
const BATCH_MS = 50;

/** Records statuses in batches; done() sends the rest and throws what a batch met (Redis down: the shard fails). */
function batchRecorder(store: NtpShardDeps['store'], run: string) {
  let batch: NtpHostStatus[] = [];
  let timer: NodeJS.Timeout | undefined;
  let failed: Error | undefined;
  const sending = new Set<Promise<unknown>>();
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (batch.length === 0) return;
    const sent = store.recordAll(run, batch).catch((err: Error) => {
      failed ??= err;
    });
    batch = [];
    sending.add(sent);
    void sent.finally(() => sending.delete(sent));
  };
  return {
    add(status: NtpHostStatus) {
      batch.push(status);
      if (batch.length >= BATCH) flush();
      else timer ??= setTimeout(flush, BATCH_MS);
    },
    async done() {
      flush();
      await Promise.all(sending);
      if (failed) throw failed;
    },
  };
}

/**
 * One shard of a shared `/lab ntp status`: chronyc on each of its hosts over this worker's pooled connections, each
 * status recorded in the run as soon as it is known, a few at a time (the coordinator reports from there). A shard run again
 * (retried, or handed on from a worker that died) checks only the hosts without a status yet, and nothing once
 * its run is over.
 */
export async function checkNtpShard(deps: NtpShardDeps, shard: NtpShardJob): Promise<NtpShardResult> {
  // handed on after its run was reported (every host recorded, the keys gone): asking its hosts would be for nobody
  if (!(await deps.store.isOpen(shard.parent))) return { abandoned: true };
  const done = await deps.store.recorded(shard.parent, shard.hosts);
  const todo = shard.hosts.filter((h) => !done.has(h));
  const inventory = deps.inventory();
  // one listener on the shard's signal however many hosts there are
  const fan = fanOutSignal(deps.signal);
  const recorder = batchRecorder(deps.store, shard.parent);
  try {
    await Promise.all(
      todo.map(async (name) => {
        const host = inventory.hosts.get(name);
        const status = host
          ? await checkHost(deps.ssh, host, deps.thresholds, fan.child())
          : notInInventory(name);
        // after a cancel a host's "cancelled" is no answer: nobody reads the run any more
        if (!deps.signal.aborted) recorder.add(status);
      }),
    );
    await recorder.done();
  } finally {
    fan.close();
  }
  if (deps.signal.aborted) return { cancelled: true };
  return { checked: todo.length, skipped: shard.hosts.length - todo.length };
}
