import type { IncomingMessage, ServerResponse } from 'node:http';

/** One thing labops serves over HTTP: a path (or, with prefix, a path and everything under it) and its methods. */
export interface Route {
  path: string;
  prefix?: boolean;
  methods: readonly string[];
  /** May throw or reject: the server answers 500 and goes on. */
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

/**
 * The path of a request target, or undefined for anything but a plain origin-form path of printable ASCII
 * (absolute URLs, `*`, `//host`, raw bytes): those get a 400 instead of reaching a URL parser that throws.
 */
export function requestPath(target: string | undefined): string | undefined {
  const path = (target ?? '').split(/[?#]/, 1)[0] ?? '';
  return /^\/(?!\/)[\x21-\x7e]*$/.test(path) ? path : undefined;
}

/** The route serving a path, if any (exact match, or under a prefix route). */
export function findRoute(routes: readonly Route[], path: string): Route | undefined {
  return routes.find((r) => r.path === path || (r.prefix === true && path.startsWith(`${r.path}/`)));
}

/** A short plain-text answer that closes nothing it need not close. */
export function reply(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(text);
}
