import { readFile } from 'node:fs/promises';
import type { NodeSSH } from 'node-ssh';
import { HostError } from '../errors.js';
import type { InventoryHost } from '../inventory/index.js';
import { connectHost } from './connect.js';
import { parseKnownHosts } from './known-hosts.js';
import { connectionLost, type ExecResult } from './ssh-pool.js';

export interface ExecStreamOptions {
  /** Output as it arrives, decoded as UTF-8 (a character split across chunks is kept whole). */
  onStdout(chunk: string): void;
  onStderr?(chunk: string): void;
  /** Aborting kills the remote command's process group and closes the connection. */
  signal?: AbortSignal;
  timeoutMs: number;
}

/** Runs one long command and streams its output; resolves with the whole output and the exit status. */
export type ExecStream = (
  host: InventoryHost,
  command: string,
  opts: ExecStreamOptions,
) => Promise<ExecResult>;

const PID_MARK = '@@labops-pgid ';
const PID_LINE = new RegExp(`^${PID_MARK}(\\d+)\\n`);

/**
 * execStream on a connection of its own, closed when the command ends: a long command (packstack runs for half
 * an hour) does not hold a pooled connection, and the pool's behaviour stays as it is. The remote shell first
 * reports its pid so that an abort or a timeout can kill the whole process group (sshd refuses signal requests
 * in ForceCommand sessions).
 */
export function createExecStream(o: { knownHostsPath: string; connectTimeoutMs: number }): ExecStream {
  return async (host, command, opts) => {
    const cancelled = () =>
      new HostError(host.name, 'command-failed', 'cancelled', 'The job was cancelled; nothing else to do.');
    if (opts.signal?.aborted) throw cancelled();
    const text = await readFile(o.knownHostsPath, 'utf8').catch(() => '');
    const ssh = await connectHost(host, {
      knownHosts: parseKnownHosts(text),
      knownHostsPath: o.knownHostsPath,
      connectTimeoutMs: o.connectTimeoutMs,
    });
    try {
      return await run(ssh, host, command, opts, cancelled);
    } finally {
      ssh.dispose();
    }
  };
}

function run(
  ssh: NodeSSH,
  host: InventoryHost,
  command: string,
  opts: ExecStreamOptions,
  cancelled: () => HostError,
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    let pid: number | undefined;
    let head = '';
    let stderr = '';
    let stdout = '';
    let settled = false;
    const out = new TextDecoder();
    const err = new TextDecoder();
    const stop = (error: HostError) => {
      if (settled) return;
      settled = true;
      cleanup();
      // the pid is a number read back from the host, never text from a user
      const kill = pid ? ssh.execCommand(`kill -KILL -- -${pid} 2>/dev/null`) : Promise.resolve();
      kill.catch(() => undefined).finally(() => reject(error));
    };
    const timer = setTimeout(
      () =>
        stop(
          new HostError(
            host.name,
            'timeout',
            `command did not finish within ${Math.round(opts.timeoutMs / 1000)} s`,
            `Log in to ${host.name} and look at what it is doing.`,
          ),
        ),
      opts.timeoutMs,
    );
    const onAbort = () => stop(cancelled());
    const cleanup = () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    ssh
      .execCommand(`echo "${PID_MARK}$$" >&2; ${command}`, {
        noTrim: true,
        onStdout: (chunk: Buffer) => {
          const s = out.decode(chunk, { stream: true });
          stdout += s;
          if (!settled && s) opts.onStdout(s);
        },
        onStderr: (chunk: Buffer) => {
          let s = err.decode(chunk, { stream: true });
          if (pid === undefined && head.length < 64) {
            head += s; // the first line may come in pieces
            const m = PID_LINE.exec(head);
            if (!m) return;
            pid = Number(m[1]);
            s = head.slice(m[0].length);
          }
          stderr += s;
          if (!settled && s) opts.onStderr?.(s);
        },
      })
      .then(
        (r) => {
          if (settled) return;
          settled = true;
          cleanup();
          const tail = out.decode();
          if (tail) opts.onStdout(tail);
          if (r.code === null && r.signal === null) reject(connectionLost(host));
          else resolve({ stdout: stdout + tail, stderr: stderr + err.decode(), code: r.code });
        },
        (e: Error) => {
          if (settled) return;
          settled = true;
          cleanup();
          reject(
            new HostError(
              host.name,
              'unreachable',
              `SSH session failed: ${e.message}`,
              'Try again; check sshd on the host.',
            ),
          );
        },
      );
  });
}
