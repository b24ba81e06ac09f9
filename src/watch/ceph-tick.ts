import { randomUUID } from 'node:crypto';
import type { Inventory } from '../inventory/index.js';
import type { Logger } from '../log/logger.js';
import type { SshPool } from '../ssh/ssh-pool.js';
import { CEPH_MONS } from '../tasks/ceph-cluster/mon-group.js';
import { readCeph } from '../tasks/ceph-cluster/read-ceph.js';
import { CEPH_RECORD, observeCeph } from './ceph-observe.js';
import { step } from './step.js';
import type { HostRecord, WatchRules, WatchState } from './watch-state.js';
import type { WatchStore } from './watch-store.js';

export interface CephTickDeps {
  /** The Ceph watch's own store (its record, lock and counters). */
  store: WatchStore;
  /** The drift watch's: its pause switch pauses this watch too. */
  driftStore: Pick<WatchStore, 'paused'>;
  inventory(): Inventory;
  ssh: Pick<SshPool, 'exec'>;
  rules: WatchRules;
  lockTtlMs: number;
  deliver(record: HostRecord): Promise<number>;
  now(): number;
  log: Logger;
  signal?: AbortSignal;
}

export type CephTickResult =
  | { skipped: 'paused' | 'busy' | 'no monitors' | 'no answer' }
  | { state: WatchState; announced: number };

// what an outbox may hold while Slack does not take posts
const OUTBOX_LIMIT = 50;

/**
 * One Ceph health check: status, health detail and time-sync-status from the first monitor that answers, through
 * the drift watch's state machine (the same confirmation and flapping rules), then what is to be announced is posted.
 * No monitor answering changes nothing: the drift watch already says when hosts are unreachable.
 */
export async function runCephTick(deps: CephTickDeps): Promise<CephTickResult> {
  if (await deps.driftStore.paused()) return { skipped: 'paused' };
  const inventory = deps.inventory();
  const mons = (inventory.groups.get(CEPH_MONS) ?? []).flatMap((h) => inventory.hosts.get(h) ?? []);
  if (mons.length === 0) return { skipped: 'no monitors' };
  const owner = randomUUID();
  if (!(await deps.store.tryLock(owner, deps.lockTtlMs))) return { skipped: 'busy' };
  try {
    const at = deps.now();
    const { reading, failed } = await readCeph(
      deps.ssh,
      mons,
      ['status', 'health', 'time-sync'],
      deps.signal,
    );
    if (!reading) {
      deps.log.warn(
        { failed: failed.map((f) => `${f.host}: ${f.failure.message}`) },
        'ceph watch: no monitor answered',
      );
      await deps.store.count({ unanswered: 1 });
      return { skipped: 'no answer' };
    }
    const obs = observeCeph(reading, inventory, at);
    const record = await deps.store.update(CEPH_RECORD, (prev) => {
      const { record: next, announcements } = step(prev, obs, deps.rules, CEPH_RECORD);
      if (next === prev) return undefined;
      return { ...next, outbox: [...next.outbox, ...announcements].slice(-OUTBOX_LIMIT) };
    });
    await deps.store.count({ checks: 1 });
    if (!record) return { state: obs.state, announced: 0 };
    const announced = (await deps.store.holdsLock(owner)) ? await deps.deliver(record) : 0;
    return { state: record.state, announced };
  } finally {
    await deps.store.unlock(owner);
  }
}
