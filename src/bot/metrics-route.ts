import type { Registry } from 'prom-client';
import { type Route, reply } from '../http/route.js';

/** GET /metrics: Prometheus text format, on the same port as /healthz. */
export function metricsRoute(registry: Registry): Route {
  return {
    path: '/metrics',
    methods: ['GET'],
    handle: async (_req, res) => {
      const body = await registry.metrics().catch((err: Error) => err);
      if (body instanceof Error) return reply(res, 503, `metrics unavailable: ${body.message}\n`);
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(body);
    },
  };
}
