import type { NtpRunStore } from '../../../src/ntp-shards/run-store.js';
import type { NtpShardJob } from '../../../src/ntp-shards/shard-job.js';
import type { ShardQueues, ShardState } from '../../../src/ntp-shards/shard-queues.js';
import { toStored } from '../../../src/ntp-shards/stored-status.js';

/** The run store's behaviour (first status of a host wins, a list in the order recorded) in memory. */
export function memoryRun(): Pick<
  NtpRunStore,
  'open' | 'isOpen' | 'recordAll' | 'recorded' | 'since' | 'drop'
> & {
  runs: Map<string, { hash: Map<string, string>; order: string[] }>;
  opened: Set<string>;
} {
  const runs = new Map<string, { hash: Map<string, string>; order: string[] }>();
  const opened = new Set<string>();
  const of = (run: string) => {
    let r = runs.get(run);
    if (!r) {
      r = { hash: new Map(), order: [] };
      runs.set(run, r);
    }
    return r;
  };
  return {
    runs,
    opened,
    async open(run) {
      opened.add(run);
    },
    async isOpen(run) {
      return opened.has(run);
    },
    async recordAll(run, statuses) {
      const r = of(run);
      let kept = 0;
      for (const status of statuses) {
        if (r.hash.has(status.host)) continue;
        r.hash.set(status.host, toStored(status));
        r.order.push(status.host);
        kept++;
      }
      return kept;
    },
    async recorded(run, hosts) {
      const r = of(run);
      return new Set(hosts.filter((h) => r.hash.has(h)));
    },
    async since(run, from) {
      const r = of(run);
      const names = r.order.slice(from, from + 1000);
      return {
        entries: names.map((n) => [n, r.hash.get(n) as string] as [string, string]),
        next: from + names.length,
      };
    },
    async drop(run) {
      opened.delete(run);
      runs.delete(run);
    },
  };
}

/** Shard queues in memory: the test plays the workers and says how each shard ended. */
export function memoryQueues(workers = 2): ShardQueues & {
  added: NtpShardJob[];
  states: Map<number, ShardState>;
  removed: number[];
} {
  const added: NtpShardJob[] = [];
  const states = new Map<number, ShardState>();
  const removed: number[] = [];
  return {
    added,
    states,
    removed,
    async add(shard) {
      if (added.some((s) => s.parent === shard.parent && s.shard === shard.shard)) return;
      added.push(shard);
      states.set(shard.shard, { pending: true });
    },
    async state(_parent, shard) {
      return states.get(shard) ?? { gone: true };
    },
    async removeIfWaiting(_parent, shard) {
      if (states.get(shard) && 'pending' in (states.get(shard) as ShardState)) removed.push(shard);
    },
    liveWorkers: async () => workers,
    async close() {},
  };
}
