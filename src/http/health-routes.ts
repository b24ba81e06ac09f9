import type { Route } from './route.js';
import { reply } from './route.js';

/** Why labops is not ready (e.g. "Redis is reconnecting"), or undefined when it is. */
export type Readiness = () => Promise<string | undefined>;

const READY_TIMEOUT_MS = 3000;

/**
 * GET /healthz: liveness, 200 while the process serves requests (restarting it would not bring Redis back).
 * GET /readyz: readiness, 503 with the reason while labops cannot take commands; never hangs.
 */
export function healthRoutes(ready: Readiness): Route[] {
  return [
    { path: '/healthz', methods: ['GET', 'HEAD'], handle: (_req, res) => reply(res, 200, 'ok\n') },
    {
      path: '/readyz',
      methods: ['GET', 'HEAD'],
      handle: async (_req, res) => {
        const reason = await withTimeout(
          ready(),
          READY_TIMEOUT_MS,
          'the readiness check did not finish in 3 s',
        );
        if (reason) reply(res, 503, `not ready: ${reason}\n`);
        else reply(res, 200, 'ready\n');
      },
    },
  ];
}

/** Resolves with the check's answer, or with `late` as the reason if it takes longer than ms (or fails). */
function withTimeout(
  check: Promise<string | undefined>,
  ms: number,
  late: string,
): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(late), ms);
  });
  return Promise.race([
    check.catch((err: Error) => `the readiness check failed: ${err.message}`),
    timeout,
  ]).finally(() => clearTimeout(timer));
}
