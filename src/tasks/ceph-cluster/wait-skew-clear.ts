import type { Inventory, InventoryHost } from '../../inventory/index.js';
import type { SshPool } from '../../ssh/ssh-pool.js';
import { sleep } from '../remote/sleep.js';
import { hostOfMon } from './check-mons.js';
import { monProblems } from './mon-problems.js';
import { type MonFailure, readCeph } from './read-ceph.js';

/** How long to wait for Ceph to clear MON_CLOCK_SKEW after a clock fix, and how often to ask. */
export interface SkewWait {
  settleMs: number;
  pollMs: number;
}

// Ceph re-checks skew every 30 s while skewed (300 s otherwise): two of its rounds and some slack
export const CEPH_SKEW_WAIT: SkewWait = { settleMs: 90_000, pollMs: 10_000 };

/** What the wait ended on: no skew left on the hosts' monitors, skew still there, or no monitor answered. */
export type SkewOutcome =
  | { kind: 'clear'; mons: string[]; monitor: string; waitedMs: number }
  | { kind: 'still'; skewed: { mon: string; skewSeconds?: number }[]; waitedMs: number }
  | { kind: 'no-answer'; failed: MonFailure[] };

/**
 * Asks Ceph (health detail and time-sync-status, first monitor that answers) until none of the monitors running on
 * `hosts` is in MON_CLOCK_SKEW, or `settleMs` passed. Bounded, and never a failure: Ceph is slow to re-check.
 */
export async function waitForSkewToClear(
  ssh: Pick<SshPool, 'exec'>,
  inventory: Inventory,
  monHosts: readonly InventoryHost[],
  hosts: readonly string[],
  o: SkewWait & { signal?: AbortSignal },
): Promise<SkewOutcome> {
  const started = Date.now();
  for (;;) {
    const { reading, failed } = await readCeph(ssh, monHosts, ['health', 'time-sync'], o.signal);
    if (!reading) return { kind: 'no-answer', failed };
    const problems = monProblems(reading.health, reading.timeSync, undefined);
    const ours = problems.filter(
      (p) => p.kind === 'skew' && hosts.includes(hostOfMon(inventory, p.mon)?.name ?? ''),
    );
    const waitedMs = Date.now() - started;
    if (ours.length === 0) {
      const mons = hosts.filter((h) => inventory.hosts.get(h)?.groups.includes('ceph_mons'));
      return { kind: 'clear', mons, monitor: reading.monitor, waitedMs };
    }
    if (waitedMs + o.pollMs > o.settleMs || o.signal?.aborted)
      return {
        kind: 'still',
        skewed: ours.map((p) => ({ mon: p.mon, skewSeconds: p.skewSeconds })),
        waitedMs,
      };
    await sleep(o.pollMs, o.signal);
  }
}
