import type { Redis } from 'ioredis';
import { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config.js';
import { HomeViewers } from '../home/home-viewers.js';
import { NtpLastStates } from '../home/ntp-last-state.js';
import { CancelRequests } from '../jobs/cancel-requests.js';
import type { Logger } from '../log/logger.js';
import { HostLocks } from '../queue/host-locks.js';
import { PlanStore } from '../queue/plan-store.js';
import { OffsetHistory } from '../watch/offset-history.js';
import { SilenceStore } from '../watch/silence-store.js';
import { WatchStore } from '../watch/watch-store.js';

/** Every Redis-backed store, on one connection and under the queue prefix (or a lab's own prefix under it). */
export function createStores(
  redis: Redis,
  config: Readonly<Config>,
  log: Logger,
  prefix = config.queuePrefix,
) {
  return {
    plans: new PlanStore(redis, prefix),
    locks: new HostLocks(redis, prefix, config.hostLockMs),
    audit: new AuditLog(redis, prefix, log, config.auditMaxLen),
    cancels: new CancelRequests(redis, prefix),
    lastNtp: new NtpLastStates(redis, prefix),
    homeViewers: new HomeViewers(redis, prefix),
    watchStore: new WatchStore(redis, prefix),
    // the Ceph watch: one record (the cluster), its own lock and counters
    cephStore: new WatchStore(redis, `${prefix}:ceph`),
    offsetHistory: new OffsetHistory(redis, prefix, config.watch.historyMs),
    silences: new SilenceStore(redis, prefix),
  };
}
export type Stores = ReturnType<typeof createStores>;
