import type { Inventory } from '../inventory/index.js';
import { hostOfMon } from '../tasks/ceph-cluster/check-mons.js';
import { monProblems } from '../tasks/ceph-cluster/mon-problems.js';
import type { CephReading } from '../tasks/ceph-cluster/read-ceph.js';
import type { Observation, WatchState } from './watch-state.js';

/** The Ceph watch's one record in its store: the cluster, as the drift watch has one per host. */
export const CEPH_RECORD = 'Ceph';

/**
 * One Ceph health check as the watch's state machine sees it: HEALTH_ERR is 'critical', MON_CLOCK_SKEW 'warning',
 * anything else 'ok' (the watch is about the cluster failing and about clocks; `/lab ceph status` shows the rest).
 */
export function observeCeph(reading: CephReading, inventory: Inventory, at: number): Observation {
  const { health } = reading;
  const skew = health.checks.MON_CLOCK_SKEW;
  const state: WatchState = health.status === 'HEALTH_ERR' ? 'critical' : skew ? 'warning' : 'ok';
  const skewed = monProblems(health, reading.timeSync, reading.status)
    .filter((p) => p.kind === 'skew')
    .map((p) => ({ mon: p.mon, host: hostOfMon(inventory, p.mon)?.name }));
  const skews = Object.fromEntries(
    Object.entries(reading.timeSync?.time_skew_status ?? {}).map(([mon, t]) => [mon, t.skew]),
  );
  const obs: Observation = {
    at,
    state,
    ceph: {
      health: health.status,
      monitor: reading.monitor,
      checks: Object.keys(health.checks),
      skews,
      skewed,
    },
  };
  if (state === 'ok') return obs;
  const worst = Object.entries(health.checks).filter(([, c]) => c.severity === 'HEALTH_ERR');
  const named = state === 'critical' ? worst : [['MON_CLOCK_SKEW', skew] as const];
  obs.reason = `${health.status}: ${named.map(([code, c]) => `${code} ${c?.summary.message ?? ''}`.trim()).join('; ')}`;
  const hosts = skewed.flatMap((s) => (s.host ? [s.host] : []));
  obs.hint =
    hosts.length > 0
      ? `/lab ceph status shows each skewed monitor's chrony; /lab ntp plan ${hosts.join(',')} shows what would fix it.`
      : '/lab ceph status shows every check and which monitors are affected.';
  return obs;
}
