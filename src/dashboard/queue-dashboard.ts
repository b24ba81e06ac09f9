import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express from 'express';
import type { Route } from '../http/route.js';
import { basicAuthOk } from './basic-auth.js';

export const DASHBOARD_PATH = '/admin/queues';

/**
 * Bull Board at /admin/queues on the bot's own port (a route of labops' HTTP server), behind HTTP Basic auth. Read-only:
 * retrying or removing jobs from a web page would bypass the admin check, the host locks and the "never run a
 * change twice" rule, so those stay with /lab commands.
 */
export function queueDashboardRoute(queues: Queue[], creds: { user: string; password: string }): Route {
  const board = new ExpressAdapter();
  board.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'labops queues' } },
  });
  const app = express();
  app.disable('x-powered-by');
  app.use(DASHBOARD_PATH, board.getRouter());
  return {
    path: DASHBOARD_PATH,
    prefix: true,
    methods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
    handle: (req: IncomingMessage, res: ServerResponse) => {
      if (!basicAuthOk(req.headers.authorization, creds)) {
        res.writeHead(401, {
          'www-authenticate': 'Basic realm="labops queues", charset="UTF-8"',
          'content-type': 'text/plain',
        });
        res.end('labops queue dashboard: log in with LAB_DASHBOARD_USER and LAB_DASHBOARD_PASSWORD\n');
        return;
      }
      app(req as express.Request, res as express.Response);
    },
  };
}
