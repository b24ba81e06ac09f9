import { Registry } from 'prom-client';
import { type Route, reply } from '../http/route.js';
import { mergeExpositions } from './merge-metrics.js';

/** GET /metrics: Prometheus text format, on the same port as /healthz; several registries (one a lab) merged. */
export function metricsRoute(registry: Registry | (() => readonly Registry[])): Route {
  const text = async () => {
    if (typeof registry !== 'function') return registry.metrics();
    return mergeExpositions(await Promise.all(registry().map((r) => r.metrics())));
  };
  return {
    path: '/metrics',
    methods: ['GET'],
    handle: async (_req, res) => {
      const body = await text().catch((err: Error) => err);
      if (body instanceof Error) return reply(res, 503, `metrics unavailable: ${body.message}\n`);
      const type = typeof registry === 'function' ? Registry.PROMETHEUS_CONTENT_TYPE : registry.contentType;
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    },
  };
}
