import type { IncomingMessage } from 'node:http';

/** Slack's own payloads are a few KiB; anything near this is not from Slack. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads a request body of at most limit bytes. A larger one is refused before it is read: a Content-Length above
 * the limit at once, a chunked body as soon as the bytes so far pass it (reading stops there).
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer | 'too-large'> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.resolve('too-large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (fn: () => void) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      fn();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else
        settle(() => {
          req.pause();
          resolve('too-large');
        });
    };
    const onEnd = () => settle(() => resolve(Buffer.concat(chunks, size)));
    const onError = (err: Error) => settle(() => reject(err));
    const onClose = () => settle(() => reject(new Error('the client closed the connection mid-body')));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
