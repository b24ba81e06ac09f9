import type { Inventory, InventoryHost } from '../inventory/index.js';
import type { Logger } from '../log/logger.js';
import type { PoolSsh } from '../ssh/ssh-pool.js';
import { checkHost } from '../tasks/chrony/check-host.js';
import type { NtpThresholds } from '../tasks/chrony/classify.js';
import { fanOutSignal } from '../workers/fan-out-signal.js';
import { observe } from './observe.js';
import type { OffsetHistory } from './offset-history.js';
import { step } from './step.js';
import type { TickPlan } from './tick-plan.js';
import type { HostRecord, Observation, WatchRules } from './watch-state.js';
import type { WatchStore } from './watch-store.js';

export interface ShardDeps {
  store: Pick<WatchStore, 'load' | 'update' | 'extendLock'>;
  history: Pick<OffsetHistory, 'add'>;
  inventory(): Inventory;
  ssh: PoolSsh;
  thresholds: NtpThresholds;
  rules: WatchRules;
  /** The tick's lock is renewed for this long when a shard starts: it lasts while the tick's shards run. */
  lockTtlMs: number;
  log: Logger;
  signal?: AbortSignal;
}

export type ShardResult = { abandoned: true } | { checked: number; skipped: number };

// what an outbox may hold while Slack does not take posts; older ones are dropped
const OUTBOX_LIMIT = 50;

/**
 * One shard of a tick: chronyc on each of its hosts over the pooled SSH connections, each offset into the history,
 * each host's record through the state machine (compare-and-set). Nothing is posted here: the tick's finishing
 * step decides and posts for all shards at once. A shard run again (retried, or handed on from a worker that died)
 * checks only the hosts that have no observation of this tick yet, so every host is checked once per tick.
 */
export async function checkShard(deps: ShardDeps, shard: TickPlan): Promise<ShardResult> {
  // a tick whose lock is gone was given up (it outlived its lock): a newer one owns the hosts now
  if (!(await deps.store.extendLock(shard.tick, deps.lockTtlMs))) {
    deps.log.info(
      { tick: shard.tick, hosts: shard.hosts.length },
      'drift shard dropped: its check was given up',
    );
    return { abandoned: true };
  }
  const loaded = await deps.store.load(shard.hosts);
  const seen = (name: string) => (loaded.get(name)?.record?.last?.at ?? -1) >= shard.at;
  const inventory = deps.inventory();
  const hosts = shard.hosts
    .filter((name) => !seen(name))
    .map((name) => inventory.hosts.get(name))
    .filter((h): h is InventoryHost => h !== undefined);
  // one listener on the job's signal however many hosts there are
  const fan = deps.signal && fanOutSignal(deps.signal);
  try {
    const checked = await Promise.all(
      hosts.map(async (h) => ({
        host: h.name,
        observation: observe(await checkHost(deps.ssh, h, deps.thresholds, fan?.child()), shard.at),
      })),
    );
    await deps.history.add(checked);
    await Promise.all(checked.map((c) => apply(c.host, c.observation, deps)));
    return { checked: checked.length, skipped: shard.hosts.length - checked.length };
  } finally {
    fan?.close();
  }
}

async function apply(host: string, obs: Observation, deps: ShardDeps): Promise<HostRecord> {
  const next = await deps.store.update(host, (prev) => {
    const { record, announcements } = step(prev, obs, deps.rules, host);
    if (record === prev) return undefined; // a late check: nothing to write
    for (const a of announcements)
      deps.log.info({ host, kind: a.kind, state: a.state, from: a.from }, 'drift state change');
    return { ...record, outbox: [...record.outbox, ...announcements].slice(-OUTBOX_LIMIT) };
  });
  if (!next) throw new Error(`no watch record for ${host} after its check`);
  return next;
}
