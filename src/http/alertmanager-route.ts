import { timingSafeEqual } from 'node:crypto';
import type { Logger } from '../log/logger.js';
import { type AlertmanagerPayload, payloadProblem } from '../watch/alertmanager-payload.js';
import { readBody } from './read-body.js';
import { type Route, reply } from './route.js';

const MAX_BYTES = 256 * 1024;

const sameToken = (header: string | undefined, token: string) => {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
};

/**
 * POST /hooks/alertmanager: Alertmanager's webhook (version 4) behind a bearer token. A bad token is 401, a bad
 * body 400 with the reason, and nothing is posted for either; a good one is handed to `take` (posted to Slack), whose
 * answer (where it went, what was not posted and why) is the 200's body.
 */
export function alertmanagerRoute(
  token: string,
  take: (payload: AlertmanagerPayload) => Promise<string | undefined>,
  log: Logger,
): Route {
  return {
    path: '/hooks/alertmanager',
    methods: ['POST'],
    handle: async (req, res) => {
      if (!sameToken(req.headers.authorization, token)) {
        log.warn({ path: '/hooks/alertmanager' }, 'webhook refused: bad or missing bearer token');
        return reply(res, 401, 'unauthorized: send Authorization: Bearer <LAB_WEBHOOK_TOKEN>\n', {
          'www-authenticate': 'Bearer',
        });
      }
      const body = await readBody(req, MAX_BYTES);
      if (body === 'too-large') return reply(res, 413, `body larger than ${MAX_BYTES} bytes\n`);
      const parsed = payloadProblem(body.toString('utf8'));
      if ('problem' in parsed) return reply(res, 400, `${parsed.problem}\n`);
      const said = await take(parsed.payload);
      reply(res, 200, said ? `ok\n${said}\n` : 'ok\n');
    },
  };
}
