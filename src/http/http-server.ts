import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../log/logger.js';
import { findRoute, type Route, reply, requestPath } from './route.js';

export interface HttpServerOptions {
  host: string;
  port: number;
  routes: readonly Route[];
  log: Logger;
}

export interface HttpServer {
  /** The port it listens on (the one it got, for port 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * labops' one HTTP server (health, readiness, metrics, the queue dashboard, Slack's events in HTTP mode). Every
 * request is answered by a route or a 4xx, and a route that throws gets a 500: nothing a client sends can throw out
 * of a handler and end the process. Headers are bounded (16 KiB: 431), slow clients are cut off.
 */
export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const server = createServer(
    { maxHeaderSize: 16 * 1024, headersTimeout: 10_000, requestTimeout: 30_000 },
    (req, res) => serve(opts.routes, opts.log, req, res),
  );
  server.on('clientError', refuseUnparsable);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => opts.log.error({ msg: err.message }, 'HTTP server error'));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // a client holding a request open does not hold up the shutdown
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      }),
  };
}

function serve(routes: readonly Route[], log: Logger, req: IncomingMessage, res: ServerResponse) {
  res.on('error', () => undefined); // the client went away: nothing to tell it
  const path = requestPath(req.url);
  if (!path) return reply(res, 400, 'bad request: the target must be a plain /path\n');
  const route = findRoute(routes, path);
  if (!route) return reply(res, 404, 'not found\n');
  if (!route.methods.includes(req.method ?? '')) {
    return reply(res, 405, `method not allowed: ${path} takes ${route.methods.join(', ')}\n`, {
      allow: route.methods.join(', '),
    });
  }
  let handled: Promise<void>;
  try {
    handled = Promise.resolve(route.handle(req, res));
  } catch (err) {
    handled = Promise.reject(err);
  }
  handled.catch((err: Error) => {
    log.error({ msg: err?.message, method: req.method, path }, 'HTTP handler failed');
    if (!res.headersSent) reply(res, 500, 'internal error (logged)\n');
    else res.destroy();
  });
}

/** Requests node's parser rejects (bad request line, unknown method, headers over the limit): a 4xx, then close. */
function refuseUnparsable(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? '431 Request Header Fields Too Large'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? '408 Request Timeout'
        : '400 Bad Request';
  socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}
