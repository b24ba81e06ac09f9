import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express from 'express';
import type { Route } from '../http/route.js';
import { basicAuthOk } from './basic-auth.js';

export const DASHBOARD_PATH = '/admin/queues';

/** A queue on the board; a lab's (LAB_POLICY: each lab has its own `ntp-watch`) is named and shown with its lab. */
export interface DashboardQueue {
  queue: Queue;
  lab?: string;
}

/** Bull Board keys queues by name: a lab's goes in as "<lab>.<queue>", shown as "<queue> (lab <lab>)". */
const adapterOf = ({ queue, lab }: DashboardQueue) =>
  new BullMQAdapter(queue, {
    readOnlyMode: true,
    ...(lab && { prefix: `${lab}.`, displayName: `${queue.name} (lab ${lab})`, description: `lab ${lab}` }),
  });

/**
 * Bull Board at /admin/queues on the bot's own port (a route of labops' HTTP server), behind HTTP Basic auth. Read-only:
 * retrying or removing jobs from a web page would bypass the admin check, the host locks and the "never run a
 * change twice" rule, so those stay with /lab commands.
 */
export function queueDashboardRoute(
  queues: () => readonly DashboardQueue[],
  creds: { user: string; password: string },
): Route {
  const board = new ExpressAdapter();
  board.setBasePath(DASHBOARD_PATH);
  let shown = queues();
  const { replaceQueues } = createBullBoard({
    queues: shown.map(adapterOf),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'labops queues' } },
  });
  // a policy reload (SIGHUP) may add or drop labs: the board follows at its next request
  const follow = () => {
    const now = queues();
    if (now.length === shown.length && now.every((q, i) => q.queue === shown[i]?.queue)) return;
    shown = now;
    replaceQueues(now.map(adapterOf));
  };
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
      follow();
      app(req as express.Request, res as express.Response);
    },
  };
}
