import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ChatSink } from '../../../src/chat/sink.js';
import { NTP_STATUS_COMMAND } from '../../../src/tasks/chrony/remote-command.js';
import { checkShard } from '../../../src/watch/check-shard.js';
import { deliver } from '../../../src/watch/deliver.js';
import { finishTick } from '../../../src/watch/finish-tick.js';
import { runTick, type TickDeps } from '../../../src/watch/run-tick.js';
import { routeShards } from '../../../src/watch/shard-routes.js';
import type { TickPlan } from '../../../src/watch/tick-plan.js';
import type { HostRecord } from '../../../src/watch/watch-state.js';
import { statusReplies } from '../../fleet/chronyc-replies.js';
import { inventoryOf, scripted } from '../../support/run-task.js';

const MARK = /echo '(\S+) begin chronyc'/.exec(NTP_STATUS_COMMAND)?.[1] ?? '';
const REPLIES = statusReplies(MARK);
const RULES = { confirmChecks: 1, flapChanges: 4, flapWindowMs: 3_600_000, flapStableChecks: 10 };
const HOSTS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
const INVENTORY = inventoryOf(
  `all:\n  hosts:\n${HOSTS.map((h, i) => `    ${h}:\n      ansible_host: 10.0.0.${i + 1}\n`).join('')}`,
);

/** The watch's Redis state in memory: records, the lock (no expiry: a test takes it away), counters. */
function memoryStore() {
  const records = new Map<string, HostRecord>();
  const state = { lock: undefined as string | undefined, counters: {} as Record<string, number> };
  return {
    records,
    state,
    paused: async () => undefined,
    tryLock: async (owner: string) => {
      if (state.lock) return false;
      state.lock = owner;
      return true;
    },
    holdsLock: async (owner: string) => state.lock === owner,
    extendLock: async (owner: string) => state.lock === owner,
    unlock: async (owner: string) => {
      if (state.lock === owner) state.lock = undefined;
    },
    load: async (hosts: readonly string[]) =>
      new Map(hosts.map((h) => [h, { version: 0, record: records.get(h) }])),
    update: async (host: string, change: (r: HostRecord | undefined) => HostRecord | undefined) => {
      const next = change(records.get(host));
      if (next) records.set(host, next);
      return next ?? records.get(host);
    },
    setLastCheck: async () => undefined,
    count: async (counts: Record<string, number>) => {
      for (const [k, n] of Object.entries(counts)) state.counters[k] = (state.counters[k] ?? 0) + n;
    },
  };
}

/** Each host answers as its chronyd would in `states` (sync unless said); every command is kept. */
function setUp(states: Record<string, 'sync' | 'drift'> = {}) {
  const { ssh, commands } = scripted([
    ['chronyc', (_c, host) => ({ stdout: REPLIES[states[host.name] ?? 'sync'].stdout, stderr: '', code: 0 })],
  ]);
  const store = memoryStore();
  const seen: string[] = [];
  let n = 0;
  const chat: ChatSink = {
    post: async (_c, m) => {
      seen.push(`post ${m.text.split('\n')[0]}`);
      return { ts: String(++n) };
    },
    update: async (_c, ts, m) => void seen.push(`update ${ts} ${m.text.split('\n')[0]}`),
    reply: async (_c, ts, m) => void seen.push(`reply ${ts} ${m.text.split('\n')[0]}`),
  };
  const log = pino({ level: 'silent' });
  let clock = Date.UTC(2026, 11, 7, 8, 0, 0);
  const delivered: string[][] = [];
  const deps: TickDeps = {
    store,
    history: { add: async () => undefined },
    inventory: () => INVENTORY,
    ssh,
    thresholds: { warnMs: 50, critMs: 500 },
    rules: RULES,
    lockTtlMs: 60_000,
    shardSize: 2,
    deliver: (records) => {
      delivered.push(records.map((r) => r.host));
      return deliver(records, {
        store,
        chat,
        files: { upload: async () => undefined },
        channel: 'C1',
        chart: async () => Buffer.from([1]),
        rules: RULES,
        now: () => clock,
        log,
      });
    },
    now: () => (clock += 60_000),
    log,
  };
  return { deps, store, commands, seen, delivered };
}

describe('a drift check split into shards', () => {
  it('hosts leaving a good state in different shards of one check are one group message, posted once', async () => {
    const { deps, seen, delivered, commands } = setUp({ h1: 'drift', h4: 'drift', h6: 'drift' });
    const result = await runTick(deps);
    expect(result).toMatchObject({ hosts: 6, announced: 3, undelivered: 0 });
    expect(commands).toHaveLength(6); // every host once, in three shards of two
    expect(delivered).toEqual([HOSTS]); // the finishing step decided for all shards at once
    expect(seen.filter((s) => s.startsWith('post'))).toEqual([
      'post 🚨 3 hosts left a good state in the same check: a shared cause is likely (a time server, the network)',
    ]);
    expect(seen.filter((s) => s.startsWith('reply 1'))).toHaveLength(3);
    await runTick(deps);
    expect(seen.filter((s) => s.startsWith('post'))).toHaveLength(1);
  });

  it('queued: the shards cover every host once, at most shardSize each, with the lock kept for the finishing step', async () => {
    const { deps, store } = setUp();
    let queued: { shards: TickPlan[]; tick: TickPlan } | undefined;
    const result = await runTick({
      ...deps,
      fanOut: async (tick, shardSize) => {
        const routed = routeShards(tick, shardSize, []);
        queued = { shards: routed.map((r) => r.shard), tick };
        return routed.length;
      },
    });
    expect(result).toEqual({ hosts: 6, shards: 3, queued: true });
    expect(queued?.shards.map((s) => s.hosts)).toEqual([
      ['h1', 'h2'],
      ['h3', 'h4'],
      ['h5', 'h6'],
    ]);
    expect(new Set(queued?.shards.map((s) => `${s.tick}@${s.at}`))).toEqual(
      new Set([`${queued?.tick.tick}@${queued?.tick.at}`]),
    );
    expect(store.state.lock).toBe(queued?.tick.tick);
    expect(await runTick(deps)).toEqual({ skipped: 'busy' });
  });

  it('a shard run again (retried, or handed on) checks only the hosts not yet observed in its check', async () => {
    const { deps, store, commands } = setUp({ h2: 'drift' });
    await store.tryLock('t1');
    const shard: TickPlan = { tick: 't1', at: Date.UTC(2026, 11, 7, 9), hosts: ['h1', 'h2'], scope: '' };
    expect(await checkShard(deps, shard)).toEqual({ checked: 2, skipped: 0 });
    expect(await checkShard(deps, shard)).toEqual({ checked: 0, skipped: 2 });
    expect(commands).toHaveLength(2);
    expect(store.records.get('h2')?.outbox.map((a) => a.kind)).toEqual(['alert']); // decided once
    // one host recorded before the worker died: only the other is checked
    store.records.delete('h1');
    expect(await checkShard(deps, shard)).toEqual({ checked: 1, skipped: 1 });
    expect(commands.map((c) => c.split(':')[0])).toEqual(['h1', 'h2', 'h1']);
  });

  it('a check that lost its lock checks nothing more and posts nothing; the next one posts what it decided', async () => {
    const { deps, store, commands, seen } = setUp({ h1: 'drift' });
    await store.tryLock('old');
    const plan: TickPlan = { tick: 'old', at: Date.UTC(2026, 11, 7, 9), hosts: HOSTS, scope: '' };
    await checkShard(deps, { ...plan, hosts: ['h1', 'h2'] });
    store.state.lock = 'newer'; // it outlived its lock: another check holds it now
    expect(await checkShard(deps, { ...plan, hosts: ['h3', 'h4'] })).toEqual({ abandoned: true });
    expect(commands).toHaveLength(2);
    expect(await finishTick(deps, plan)).toEqual({ late: true });
    expect(seen).toEqual([]);
    expect(store.state.lock).toBe('newer'); // not released by the late one
    store.state.lock = undefined;
    await runTick(deps);
    expect(seen.filter((s) => s.startsWith('post'))).toEqual([
      expect.stringMatching(/^post 🔴 h1: drifting/),
    ]);
  });
});
