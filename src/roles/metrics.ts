import { metricsRoute } from '../bot/metrics-route.js';
import type { Route } from '../http/route.js';
import { ntpHosts } from '../watch/ntp-hosts.js';
import { createProcessMetrics, createWatchMetrics } from '../watch/watch-metrics.js';
import type { Core } from './core.js';
import { perLab } from './labs.js';

/**
 * GET /metrics (Prometheus): the watched hosts' offsets and states, the watch's counters, the queues' jobs. With
 * LAB_POLICY every lab's watch is read from its own keys and labelled lab="<name>" (the labs of the policy now).
 */
export function labopsMetricsRoute(core: Core): Route {
  const { labs } = core;
  if (!labs.policy().fromFile)
    return metricsRoute(
      createWatchMetrics({
        hosts: () => ntpHosts(core.inventory).map((h) => h.name),
        store: core.stores.watchStore,
        cephStore: core.stores.cephStore,
        queues: [core.queue, core.watchQueue],
      }),
    );
  const shared = createProcessMetrics([core.queue]);
  const ofLab = perLab((lab) => {
    const { stores } = labs.runtime(lab);
    const registry = createWatchMetrics({
      hosts: () => ntpHosts(lab.inventory).map((h) => h.name),
      store: stores.watchStore,
      cephStore: stores.cephStore,
      queues: [],
      processMetrics: false,
    });
    registry.setDefaultLabels({ lab: lab.name });
    return registry;
  });
  return metricsRoute(() => [shared, ...[...labs.policy().labs.values()].map(ofLab)]);
}
