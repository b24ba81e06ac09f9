import { connect } from 'node:net';

/** Opens and closes a TCP connection: undefined when it connects, else why not (refused, timed out, ...). */
export function tcpProbe(address: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const sock = connect({ host: address, port });
    const done = (why: string | undefined) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(why);
    };
    const timer = setTimeout(() => done(`no answer within ${timeoutMs / 1000} s`), timeoutMs);
    sock.once('connect', () => done(undefined));
    sock.once('error', (err: NodeJS.ErrnoException) =>
      done(err.code === 'ECONNREFUSED' ? 'connection refused' : (err.code ?? err.message)),
    );
  });
}
