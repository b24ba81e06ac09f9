import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBody } from '../../../src/http/read-body.js';

/** A request stand-in: a stream with headers, fed by the test. */
function request(headers: Record<string, string> = {}) {
  const stream = new PassThrough();
  return Object.assign(stream, { headers }) as unknown as IncomingMessage & PassThrough;
}

describe('readBody', () => {
  it('reads a body within the limit', async () => {
    const req = request({ 'content-length': '5' });
    const body = readBody(req, 10);
    req.end('hello');
    expect((await body).toString()).toBe('hello');
  });

  it('refuses a declared length over the limit without reading a byte', async () => {
    const req = request({ 'content-length': '11' });
    req.write('0123456789x');
    expect(await readBody(req, 10)).toBe('too-large');
    expect(req.readableLength).toBe(11); // still there, unread
  });

  it('stops reading a chunked body as soon as it passes the limit', async () => {
    const req = request();
    const body = readBody(req, 10);
    req.write('012345');
    req.write('6789ab');
    expect(await body).toBe('too-large');
    req.write('more that nobody reads');
    expect(req.isPaused()).toBe(true);
    expect(req.listenerCount('data')).toBe(0);
  });

  it('rejects when the client goes away mid-body', async () => {
    const req = request();
    const body = readBody(req, 10);
    req.write('01');
    req.destroy();
    await expect(body).rejects.toThrow(/closed the connection/);
  });
});
