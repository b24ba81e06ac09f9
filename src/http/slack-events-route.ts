import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App, HTTPReceiver, Receiver } from '@slack/bolt';
import type { Logger } from '../log/logger.js';
import { MAX_BODY_BYTES, readBody } from './read-body.js';
import { type Route, reply } from './route.js';

/**
 * Bolt's HTTPReceiver without its server: labops' server reads the body (bounded) and hands the request on.
 * Start and stop are the server's business.
 */
export class MountedReceiver implements Receiver {
  constructor(readonly inner: HTTPReceiver) {}
  init(app: App): void {
    this.inner.init(app);
  }
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * POST /slack/events: a body over 1 MiB gets 413 before it is read (Slack's payloads are a few KiB); a smaller one
 * goes to Bolt, which verifies its signature exactly as before. Bolt reads nothing itself from a request whose
 * rawBody is already a Buffer (its bufferIncomingMessage), so the bytes it verifies are the bytes read here.
 */
export function slackEventsRoute(
  receiver: MountedReceiver,
  log: Pick<Logger, 'warn'>,
  path = '/slack/events',
): Route {
  return {
    path,
    methods: ['POST'],
    handle: async (req, res) => {
      const body = await readBody(req, MAX_BODY_BYTES);
      if (body === 'too-large') {
        const declared = req.headers['content-length'] ?? 'chunked';
        log.warn({ from: req.socket.remoteAddress, declared }, 'request body over 1 MiB refused (413)');
        return refuseTooLarge(req, res);
      }
      Object.assign(req, { rawBody: body });
      receiver.inner.requestListener(req, res);
    },
  };
}

/**
 * The 413 goes out, then the connection is half-closed and, a second later, dropped. Not `connection: close`: node
 * would close the socket at once with the client's bytes unread, and the reset can reach the client before the
 * answer does. Meanwhile a chunked body stays unread (paused: TCP backpressure stops the client), and the rest of a
 * declared one is discarded by node, not kept.
 */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse): void {
  res.on('finish', () => {
    req.socket.end();
    setTimeout(() => req.socket.destroy(), 1000).unref();
  });
  reply(res, 413, `request body over ${MAX_BODY_BYTES} bytes: refused unread\n`);
}
