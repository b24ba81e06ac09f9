import type { DispatchResult } from '../bot/dispatch.js';
import { CEPH_RECORD } from './ceph-observe.js';
import { ntpHosts } from './ntp-hosts.js';
import { renderAlerts } from './render-alerts.js';
import type { WatchCommandDeps } from './watch-command-deps.js';
import type { HostRecord } from './watch-state.js';

const OFF =
  'LAB_ALERT_CHANNEL is not set, so nothing is checked or announced. Set it to a channel id and restart labops.';

/** `/lab ntp alerts`: open alerts and the last check, for the requester. */
export async function ntpAlerts(deps: WatchCommandDeps): Promise<DispatchResult> {
  const hosts = ntpHosts(deps.inventory).map((h) => h.name);
  const [loaded, lastCheck, paused, ceph, silences] = await Promise.all([
    deps.store.load(hosts),
    deps.store.lastCheck(),
    deps.store.paused(),
    deps.cephStore?.load([CEPH_RECORD]),
    deps.silences.list(),
  ]);
  // the Ceph cluster's record reads like a host's: its state, since when, and why
  const records = [...loaded.values(), ...(ceph?.values() ?? [])].flatMap((v) =>
    v.record ? [v.record] : [],
  ) as HostRecord[];
  const message = renderAlerts({
    records,
    hosts: hosts.length,
    lastCheck,
    paused,
    off: deps.alertChannel ? undefined : OFF,
    intervalSeconds: deps.intervalSeconds,
    confirmChecks: deps.confirmChecks,
    now: deps.now(),
    mention: deps.mention,
    silences: silences.filter((s) => s.until === undefined || s.until > deps.now()),
  });
  return { kind: 'reply', message };
}
