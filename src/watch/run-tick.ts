import { randomUUID } from 'node:crypto';
import type { Inventory } from '../inventory/index.js';
import type { Logger } from '../log/logger.js';
import type { SshPool } from '../ssh/ssh-pool.js';
import { checkHost } from '../tasks/chrony/check-host.js';
import type { NtpThresholds } from '../tasks/chrony/classify.js';
import { fanOutSignal } from '../workers/fan-out-signal.js';
import type { Delivery } from './deliver.js';
import { ntpHosts } from './ntp-hosts.js';
import { observe } from './observe.js';
import type { OffsetHistory } from './offset-history.js';
import { step } from './step.js';
import type { HostRecord, Observation, WatchRules } from './watch-state.js';
import type { WatchStore } from './watch-store.js';

export interface TickDeps {
  store: WatchStore;
  history: Pick<OffsetHistory, 'add'>;
  inventory(): Inventory;
  ssh: Pick<SshPool, 'exec'>;
  thresholds: NtpThresholds;
  rules: WatchRules;
  /** How long a check may hold the watch lock: longer than any check can take. */
  lockTtlMs: number;
  deliver(records: HostRecord[]): Promise<Delivery>;
  /** After posting: silences that end, reminders that are due (see followUp). */
  followUp?(hosts: readonly string[]): Promise<void>;
  now(): number;
  log: Logger;
  signal?: AbortSignal;
}

export type TickResult =
  | { skipped: 'paused' | 'busy' }
  | { hosts: number; announced: number; undelivered: number; durationMs: number };

// what an outbox may hold while Slack does not take posts; older ones are dropped
const OUTBOX_LIMIT = 50;

/**
 * One check of every NTP host: chronyc over the pooled SSH connections, each offset into the history, each
 * host's record through the state machine (compare-and-set), then what is to be announced is posted.
 * One check at a time across all processes: a tick that finds the previous one still running skips.
 */
export async function runTick(deps: TickDeps): Promise<TickResult> {
  if (await deps.store.paused()) {
    await deps.store.count({ skippedPaused: 1 });
    return { skipped: 'paused' };
  }
  const owner = randomUUID();
  if (!(await deps.store.tryLock(owner, deps.lockTtlMs))) {
    await deps.store.count({ skippedBusy: 1 });
    deps.log.info('drift check skipped: the previous one is still running');
    return { skipped: 'busy' };
  }
  // one listener on the tick's signal however many hosts there are
  const fan = deps.signal && fanOutSignal(deps.signal);
  try {
    const started = deps.now();
    const hosts = ntpHosts(deps.inventory());
    const checked = await Promise.all(
      hosts.map(async (h) => ({
        host: h.name,
        observation: observe(await checkHost(deps.ssh, h, deps.thresholds, fan?.child()), started),
      })),
    );
    await deps.history.add(checked);
    const records = await Promise.all(checked.map((c) => apply(c.host, c.observation, deps)));
    const durationMs = deps.now() - started;
    await deps.store.setLastCheck({ at: started, durationMs, hosts: hosts.length });
    const announced = records.reduce((n, r) => n + r.outbox.length, 0);
    // a check that outlived its lock leaves the posting to the one that holds it now
    const delivery = (await deps.store.holdsLock(owner))
      ? await deps.deliver(records)
      : { posted: [], failed: [] };
    if (deps.followUp && (await deps.store.holdsLock(owner)))
      await deps
        .followUp(hosts.map((h) => h.name))
        .catch((err: Error) => deps.log.warn({ msg: err.message }, 'silences and reminders not followed up'));
    const counts: Record<string, number> = {
      checks: 1,
      hostChecks: hosts.length,
      deliveryFailures: delivery.failed.length,
    };
    for (const a of delivery.posted) counts[`announced.${a.kind}`] = (counts[`announced.${a.kind}`] ?? 0) + 1;
    await deps.store.count(counts);
    deps.log.debug({ hosts: hosts.length, durationMs, announced }, 'drift check done');
    return { hosts: hosts.length, announced, undelivered: announced - delivery.posted.length, durationMs };
  } finally {
    fan?.close();
    await deps.store.unlock(owner);
  }
}

async function apply(host: string, obs: Observation, deps: TickDeps): Promise<HostRecord> {
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
