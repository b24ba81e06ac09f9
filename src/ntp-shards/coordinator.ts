import type { InventoryHost } from '../inventory/index.js';
import type { Logger } from '../log/logger.js';
import { groupBySlot } from '../queue/slot-groups.js';
import type { NtpHostStatus } from '../tasks/chrony/classify.js';
import type { SharedNtpCheck, SharedNtpRun } from '../tasks/task.js';
import { partition, type Shard } from './partition.js';
import type { NtpRunStore } from './run-store.js';
import { RunTally } from './run-tally.js';
import type { ShardPlace, ShardQueues } from './shard-queues.js';

export interface CoordinatorDeps {
  /** place: where a run's hosts went, kept for a retried coordinator (without it, the slots live when it starts). */
  store: Pick<NtpRunStore, 'open' | 'isOpen' | 'since' | 'drop'> & Partial<Pick<NtpRunStore, 'place'>>;
  queues: Pick<ShardQueues, 'add' | 'state' | 'removeIfWaiting' | 'liveWorkers'>;
  /** Over this many hosts a check is shared (LAB_NTP_SHARD_ABOVE; 0: never). */
  above: number;
  /** Shards a run is split into (LAB_NTP_SHARDS). */
  shards: number;
  /**
   * The live worker slots of a lab (one per worker process, see src/queue/worker-slots.ts): each host's shard goes
   * to the queue of the slot its name is routed to, the worker that also runs its drift checks. Absent, or no slot
   * live: LAB_NTP_SHARDS shards on the shared queue, any worker takes any.
   */
  liveSlots?(lab: string | undefined): Promise<number[]>;
  /** How often the coordinator reads what the shards recorded (the message's pace is the report's, not this). */
  pollMs: number;
  /**
   * The longest a run of `hosts` hosts may wait for its shards (their checks' own timeouts, a dead worker's slot
   * adopted); past it the hosts still unreported are errors saying so. Absent: no bound (tests).
   */
  maxWaitMs?(hosts: number): number;
  log: Logger;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** A promise per host, settled from outside. */
function deferrals(hosts: readonly string[]) {
  const waiting = new Map<string, { resolve(s: NtpHostStatus): void; reject(e: Error): void }>();
  const promises = new Map<string, Promise<NtpHostStatus>>();
  for (const host of hosts) {
    const p = new Promise<NtpHostStatus>((resolve, reject) => waiting.set(host, { resolve, reject }));
    p.catch(() => undefined); // a host nobody asks for any more (the report gave up) must not crash the process
    promises.set(host, p);
  }
  return {
    get: (host: string) => promises.get(host),
    settle(statuses: readonly NtpHostStatus[]) {
      for (const s of statuses) {
        waiting.get(s.host)?.resolve(s);
        waiting.delete(s.host);
      }
    },
    failAll(err: Error) {
      for (const w of waiting.values()) w.reject(err);
      waiting.clear();
    },
  };
}

/**
 * The coordinating side of a shared check, for one `ntp.status` job: hands the hosts out as shard jobs (a stable
 * partition, deterministic job ids), then reads what the shards record and settles each host's status once. When
 * every shard is done or failed for good, a host still without a status is settled as not checked, saying why.
 */
export function sharedNtpCheck(deps: CoordinatorDeps, job: { id: string; lab?: string }): SharedNtpCheck {
  const placeOf = (shard: PlacedShard): ShardPlace => ({
    ...(job.lab !== undefined && { lab: job.lab }),
    ...(shard.slot !== undefined && { slot: shard.slot }),
  });
  return {
    async shares(hosts) {
      if (deps.above <= 0 || hosts <= deps.above) return false;
      // this job's run is under way: its coordinator's worker died and BullMQ handed the job on. The run goes on
      // (its shards queued, statuses recorded) however many workers are left: checked here instead, every host
      // would be asked again and the dead worker's shard, adopted, would still ask its own
      if (await deps.store.isOpen(job.id).catch(() => false)) {
        deps.log.info({ hosts }, 'ntp status: taking on the shared run this job had started');
        return true;
      }
      const slots = (await deps.liveSlots?.(job.lab).catch(() => [])) ?? [];
      if (slots.length > 0) {
        // each worker process holds one slot: one slot is one worker, which gains nothing from sharing
        if (slots.length < 2) deps.log.debug({ hosts, slots }, 'ntp status not shared: one worker slot');
        return slots.length >= 2;
      }
      // no slot live (workers from before slots): one worker gains nothing and pays the shards' Redis round trips (a warm run of 1000 hosts took twice as
      // long); a Redis that does not list its clients (CLIENT LIST refused) is taken to have several
      const workers = await deps.queues.liveWorkers().catch(() => 2);
      if (workers < 2) deps.log.debug({ hosts, workers }, 'ntp status not shared: one worker');
      return workers >= 2;
    },
    async start(hosts: readonly InventoryHost[], signal: AbortSignal): Promise<SharedNtpRun> {
      const names = hosts.map((h) => h.name);
      const live = (await deps.liveSlots?.(job.lab)) ?? [];
      const slots = deps.store.place ? await deps.store.place(job.id, live) : live;
      const shards = placeShards(names, slots, deps.shards);
      await deps.store.open(job.id);
      await Promise.all(
        shards.map((shard) =>
          deps.queues.add({ parent: job.id, ...placeOf(shard), shard: shard.k, hosts: shard.hosts }),
        ),
      );
      deps.log.info(
        { hosts: names.length, shards: shards.length, slots },
        'ntp status shared by the workers',
      );
      const waits = deferrals(names);
      const stop = new AbortController();
      const onAbort = () => {
        stop.abort();
        waits.failAll(new Error('cancelled'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
      const following = follow(
        deps,
        job.id,
        shards,
        placeOf,
        new RunTally(names),
        waits.settle,
        stop.signal,
      ).catch((err: Error) => {
        deps.log.warn({ msg: err.message }, 'a shared ntp status lost track of its shards');
        waits.failAll(err);
      });
      return {
        statusOf: (host) =>
          waits.get(host) ?? Promise.reject(new Error(`${host} is not one of this check's hosts`)),
        async end() {
          signal.removeEventListener('abort', onAbort);
          stop.abort();
          await following;
          for (const shard of shards) await deps.queues.removeIfWaiting(job.id, shard.k, placeOf(shard));
          await deps.store.drop(job.id);
        },
      };
    },
  };
}

/** A shard of a run and, when placed by host, the worker slot whose queue it goes to. */
export interface PlacedShard extends Shard {
  slot?: number;
}

/**
 * A run's shards: with worker slots, one a slot, of the hosts routed to it (groupBySlot: shard number = slot
 * number, the same hosts on the same worker as its drift checks); without, the stable partition into `count`
 * shards on the shared queue.
 */
export function placeShards(
  hosts: readonly string[],
  slots: readonly number[],
  count: number,
): PlacedShard[] {
  if (slots.length === 0) return partition(hosts, count);
  return groupBySlot(hosts, slots).map((g) => ({ k: g.slot, slot: g.slot, hosts: g.keys }));
}

// polls between two looks at the shards' states
const STATE_EVERY = 10;

/** Reads the run until every host is settled, or every shard is over (then the rest are not checked). */
async function follow(
  deps: CoordinatorDeps,
  run: string,
  shards: readonly PlacedShard[],
  placeOf: (shard: PlacedShard) => ShardPlace,
  tally: RunTally,
  settle: (statuses: NtpHostStatus[]) => void,
  stop: AbortSignal,
): Promise<void> {
  const waitMs = deps.maxWaitMs?.(shards.reduce((n, s) => n + s.hosts.length, 0));
  const giveUpAt = waitMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + waitMs;
  let cursor = 0;
  const readNew = async () => {
    for (;;) {
      const { entries, next } = await deps.store.since(run, cursor);
      if (next === cursor) return;
      cursor = next;
      settle(tally.take(entries));
    }
  };
  for (let poll = 0; !stop.aborted; poll++) {
    await readNew();
    if (tally.complete) return;
    if (Date.now() > giveUpAt) {
      const why = `nothing reported after ${Math.round((waitMs ?? 0) / 1000)} s: stuck or too slow`;
      const lost = tally.missing(
        shards.flatMap((s) => s.hosts),
        why,
      );
      deps.log.warn({ hosts: lost.length, waitMs }, 'ntp status: gave up waiting for shards');
      settle(lost);
      return;
    }
    // the shards' states are a look per shard: about once a second is soon enough to see one fail for good
    if (poll % STATE_EVERY !== 0) {
      await sleep(deps.pollMs, stop);
      continue;
    }
    const states = await Promise.all(shards.map((s) => deps.queues.state(run, s.k, placeOf(s))));
    if (states.every((s) => !('pending' in s))) {
      await readNew(); // what the last shards recorded before they ended
      shards.forEach((shard, i) => {
        const state = states[i];
        const why = state && 'failed' in state ? state.failed.slice(0, 200) : undefined;
        const lost = tally.missing(shard.hosts, why);
        if (lost.length > 0)
          deps.log.warn({ shard: shard.k, hosts: lost.length, why }, 'ntp status: hosts not checked');
        settle(lost);
      });
      return;
    }
    await sleep(deps.pollMs, stop);
  }
}
