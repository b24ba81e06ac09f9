import type { Redis } from 'ioredis';
import { healthRoutes } from '../http/health-routes.js';
import { startHttpServer } from '../http/http-server.js';
import { redisReadiness } from '../http/redis-readiness.js';
import type { Closer } from './closers.js';
import type { Core } from './core.js';
import { labopsMetricsRoute } from './metrics.js';

/**
 * A worker-only process (compose's `worker` service) answers /healthz, /readyz (its own Redis connection, the one
 * its jobs wait on) and /metrics on LAB_WORKER_PORT, so a supervisor can tell a worker that lost Redis.
 */
export async function startWorkerHealth(core: Core, connection: Redis, port: number) {
  const { config, log } = core;
  const http = await startHttpServer({
    host: config.httpHost,
    port,
    log,
    routes: [...healthRoutes(redisReadiness(connection)), labopsMetricsRoute(core)],
  });
  log.info({ host: config.httpHost, port: http.port }, 'labops worker health endpoints');
  const closers: Closer[] = [() => http.close()];
  return { httpPort: http.port, closers };
}
