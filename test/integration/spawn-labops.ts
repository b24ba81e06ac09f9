import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { inject } from 'vitest';

/** labops started as a process of its own (node with tsx's loader, as `npm run bot` does), on the shared lab and Redis. */
export interface SpawnedLabops {
  proc: ChildProcess;
  port: number;
  output(): string;
  /** True while the process has not exited. */
  alive(): boolean;
  /** Resident set size and its peak so far (VmRSS, VmHWM), in MiB. */
  rss(): { now: number; peak: number };
  stop(): Promise<void>;
}

export async function spawnLabops(
  role: 'all' | 'bot',
  port: number,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<SpawnedLabops> {
  const lab = inject('lab');
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/cli.ts', role], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      REDIS_URL: inject('redisUrl'),
      LAB_INVENTORY: lab.inventoryPath,
      LAB_KNOWN_HOSTS: lab.knownHostsPath,
      LOG_LEVEL: 'warn',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exited = false;
  proc.stdout?.on('data', (d) => (output += d));
  proc.stderr?.on('data', (d) => (output += d));
  const gone = new Promise<void>((resolve) =>
    proc.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const spawned: SpawnedLabops = {
    proc,
    port,
    output: () => output,
    alive: () => !exited,
    rss() {
      const status = readFileSync(`/proc/${proc.pid}/status`, 'utf8');
      const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
      return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
    },
    async stop() {
      if (!exited) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
  for (let waited = 0; waited < 30_000; waited += 200) {
    if (exited) throw new Error(`labops exited at start:\n${output}`);
    const status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return spawned;
    await new Promise((r) => setTimeout(r, 200));
  }
  await spawned.stop();
  throw new Error(`labops did not answer /healthz within 30 s:\n${output}`);
}

/**
 * Sends raw bytes on a fresh TCP connection and resolves with what came back before the server closed it (or
 * timeoutMs passed): a hostile client, not a well-behaved HTTP library.
 */
export function rawRequest(port: number, bytes: string | Buffer, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const socket = connect(port, '127.0.0.1');
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(got);
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on('data', (d) => {
      got += d.toString('latin1');
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.write(bytes);
  });
}

/** The status code of a raw HTTP response ("HTTP/1.1 400 Bad Request" → 400), or 0 when nothing came back. */
export const statusOf = (response: string) => Number(/^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1] ?? 0);

/**
 * POSTs a body of `total` bytes to /slack/events the way a flood would: written as fast as the server takes it
 * (Content-Length declared, or chunked), while listening for an early answer. Resolves with the status (0: none
 * came back) and how many bytes were written before the answer or the close.
 */
export function postHugeBody(
  port: number,
  total: number,
  chunked: boolean,
): Promise<{ status: number; written: number }> {
  return new Promise((resolve) => {
    let got = '';
    let written = 0;
    let finished = false;
    const socket = connect(port, '127.0.0.1');
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: statusOf(got), written });
    };
    const timer = setTimeout(finish, 60_000);
    socket.on('data', (d) => {
      got += d.toString('latin1');
      if (statusOf(got)) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    const length = chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${total}`;
    socket.write(
      `POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n${length}\r\n\r\n`,
    );
    const chunk = Buffer.alloc(1 << 20, 'a');
    const piece = chunked
      ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])
      : chunk;
    const pump = () => {
      while (!finished && written < total) {
        written += chunk.length;
        if (!socket.write(piece)) {
          socket.once('drain', pump);
          return;
        }
      }
      if (!finished && chunked) socket.write('0\r\n\r\n');
    };
    pump();
  });
}
