import { metricsRoute } from '../bot/metrics-route.js';
import type { Route } from '../http/route.js';
import { ntpHosts } from '../watch/ntp-hosts.js';
import { createWatchMetrics } from '../watch/watch-metrics.js';
import type { Core } from './core.js';

/** GET /metrics (Prometheus): the watched hosts' offsets and states, the watch's counters, the queues' jobs. */
export function labopsMetricsRoute(core: Core): Route {
  return metricsRoute(
    createWatchMetrics({
      hosts: () => ntpHosts(core.inventory).map((h) => h.name),
      store: core.stores.watchStore,
      cephStore: core.stores.cephStore,
      queues: [core.queue, core.watchQueue],
    }),
  );
}
