import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * `count` UDP ports free on 127.0.0.1 for chronyd command sockets (a taken cmdport fails
 * silently). Labs on different nets start at different bases so they do not race for one.
 */
export async function freeCmdPorts(net: string, count: number): Promise<number[]> {
  const octet = Number(net.split('.')[2]);
  const ports: number[] = [];
  for (let port = 20000 + (octet % 100) * 300; ports.length < count; port++) {
    if (port > 65535) throw new Error('lab: no free UDP ports for chronyd cmdport');
    if (await udpFree(port)) ports.push(port);
  }
  return ports;
}

/** Whether something accepts TCP connections on address:port right now. */
export function tcpAccepts(address: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: address, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.once('timeout', () => done(false));
  });
}
