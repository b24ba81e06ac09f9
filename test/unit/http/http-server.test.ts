import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthRoutes } from '../../../src/http/health-routes.js';
import { type HttpServer, startHttpServer } from '../../../src/http/http-server.js';
import { redisReadiness } from '../../../src/http/redis-readiness.js';
import { createLogger } from '../../../src/log/logger.js';

describe('labops HTTP server', () => {
  let server: HttpServer;
  let base: string;
  let notReady: string | undefined = 'Redis does not answer (connection reconnecting)';

  beforeAll(async () => {
    server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      log: createLogger('silent'),
      routes: [
        ...healthRoutes(async () => notReady),
        {
          path: '/throws',
          methods: ['GET'],
          handle: () => {
            throw new TypeError('Invalid URL');
          },
        },
        { path: '/rejects', methods: ['GET'], handle: async () => Promise.reject(new Error('boom')) },
      ],
    });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => server?.close());

  it('answers a handler that throws or rejects with 500 and goes on serving', async () => {
    expect((await fetch(`${base}/throws`)).status).toBe(500);
    expect((await fetch(`${base}/rejects`)).status).toBe(500);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('404 for unknown paths, 405 with Allow for wrong methods', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const wrong = await fetch(`${base}/healthz`, { method: 'POST', body: 'x' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
  });

  it('/readyz: 503 with the reason until ready, then 200', async () => {
    const down = await fetch(`${base}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.text()).toBe('not ready: Redis does not answer (connection reconnecting)\n');
    notReady = undefined;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});

describe('redisReadiness', () => {
  it('does not ping a connection that is not up, and gives up on a PING that does not come back', async () => {
    let pinged = 0;
    const down = redisReadiness({ status: 'reconnecting', ping: async () => `${++pinged}` } as never);
    expect(await down()).toBe(
      'Redis does not answer (connection reconnecting); labops reconnects on its own',
    );
    expect(pinged).toBe(0);
    const hung = redisReadiness({ status: 'ready', ping: () => new Promise(() => undefined) } as never, 50);
    expect(await hung()).toBe('Redis did not answer PING within 0.05 s');
    const up = redisReadiness({ status: 'ready', ping: async () => 'PONG' } as never);
    expect(await up()).toBeUndefined();
  });
});
