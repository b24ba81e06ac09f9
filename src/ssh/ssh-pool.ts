import { readFile, stat } from 'node:fs/promises';
import type { NodeSSH } from 'node-ssh';
import { HostError } from '../errors.js';
import type { InventoryHost } from '../inventory/index.js';
import { connectHost } from './connect.js';
import { type KnownHostEntry, parseKnownHosts } from './known-hosts.js';
import { createLimiter } from './limiter.js';

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit status; null when the remote process was killed by a signal. */
  code: number | null;
}

export interface ExecOptions {
  timeoutMs?: number;
  /** Aborting stops the command: see {@link runCommand} for how the remote side is stopped. */
  signal?: AbortSignal;
  /**
   * For long commands: the remote shell first reports its pid (sshd made it a session and process group leader),
   * and on abort the whole group is killed over a second channel. Needed where sshd refuses signal requests
   * (ForceCommand sessions, as in the simulated lab) and for shells that fork children.
   */
  killGroup?: boolean;
  /** Written to the command's stdin, then closed: content that must not appear on a command line (secrets). */
  stdin?: string;
}

export interface SshPoolOptions {
  knownHostsPath: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  idleMs: number;
  concurrency: number;
}

interface Pooled {
  ssh: Promise<NodeSSH>;
  idle?: NodeJS.Timeout;
  busy: number;
}

const keyOf = (h: InventoryHost) => `${h.user}@${h.address}:${h.port}#${h.keyPath ?? ''}`;

/**
 * SSH connections kept open and shared across jobs: a new handshake costs ~0.4 s of CPU, a command on an
 * open connection a few milliseconds. Connections close after idleMs unused; fan-out is bounded.
 */
export class SshPool {
  private readonly conns = new Map<string, Pooled>();
  private readonly limit: ReturnType<typeof createLimiter>;
  private knownHosts: { mtimeMs: number; entries: KnownHostEntry[] } | undefined;
  private closed = false;

  constructor(private readonly opts: SshPoolOptions) {
    this.limit = createLimiter(opts.concurrency);
  }

  /** Runs a fixed command on a host. Throws HostError for anything the operator must know about. */
  exec(host: InventoryHost, command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.limit(async () => {
      try {
        return await this.execOnce(host, command, opts);
      } catch (err) {
        // a pooled connection may have died since its last use (host rebooted, sshd restarted): one fresh try
        if (err instanceof StaleConnection) return this.execOnce(host, command, opts);
        throw err;
      }
    });
  }

  private async execOnce(host: InventoryHost, command: string, opts: ExecOptions): Promise<ExecResult> {
    const key = keyOf(host);
    const { pooled, fresh } = this.acquire(host, key);
    const timeoutMs = opts.timeoutMs ?? this.opts.commandTimeoutMs;
    try {
      const ssh = await untilAborted(pooled.ssh, host, opts.signal);
      if (!opts.killGroup) return await runCommand(ssh, host, command, timeoutMs, opts);
      return await runKillable(ssh, host, command, timeoutMs, opts);
    } catch (err) {
      if (err instanceof HostError) throw err;
      this.drop(key, pooled);
      if (!fresh) throw new StaleConnection();
      throw new HostError(
        host.name,
        'unreachable',
        `SSH session failed: ${(err as Error).message}`,
        'Try again; if it persists, check sshd on the host.',
      );
    } finally {
      this.release(key, pooled);
    }
  }

  private acquire(host: InventoryHost, key: string): { pooled: Pooled; fresh: boolean } {
    if (this.closed) throw new Error('SSH pool is closed');
    const existing = this.conns.get(key);
    if (existing) {
      clearTimeout(existing.idle);
      existing.busy++;
      return { pooled: existing, fresh: false };
    }
    // registered before any await, so concurrent commands to a host share one connection
    const pooled: Pooled = {
      busy: 1,
      ssh: this.loadKnownHosts().then((knownHosts) =>
        connectHost(host, {
          knownHosts,
          knownHostsPath: this.opts.knownHostsPath,
          connectTimeoutMs: this.opts.connectTimeoutMs,
        }),
      ),
    };
    this.conns.set(key, pooled);
    pooled.ssh.then(
      (ssh) => ssh.connection?.once('close', () => this.drop(key, pooled)),
      () => this.drop(key, pooled), // failed connects are not cached: the next job tries again
    );
    return { pooled, fresh: true };
  }

  private release(key: string, pooled: Pooled): void {
    pooled.busy--;
    if (pooled.busy > 0 || this.conns.get(key) !== pooled) return;
    pooled.idle = setTimeout(() => this.drop(key, pooled), this.opts.idleMs);
    pooled.idle.unref();
  }

  private drop(key: string, pooled: Pooled): void {
    clearTimeout(pooled.idle);
    if (this.conns.get(key) === pooled) this.conns.delete(key);
    pooled.ssh.then(
      (ssh) => ssh.dispose(),
      () => undefined,
    );
  }

  /** known_hosts is re-read when it changes, so an operator's fix applies without a restart. */
  private async loadKnownHosts(): Promise<KnownHostEntry[]> {
    const path = this.opts.knownHostsPath;
    const mtimeMs = await stat(path).then(
      (s) => s.mtimeMs,
      () => -1,
    );
    if (this.knownHosts?.mtimeMs !== mtimeMs) {
      const text = mtimeMs < 0 ? '' : await readFile(path, 'utf8');
      this.knownHosts = { mtimeMs, entries: parseKnownHosts(text) };
    }
    return this.knownHosts.entries;
  }

  get size(): number {
    return this.conns.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.conns.entries()];
    for (const [key, pooled] of all) this.drop(key, pooled);
    await Promise.allSettled(all.map(([, p]) => p.ssh));
  }
}

class StaleConnection extends Error {}

/** A command that ended with neither an exit status nor a signal: the connection under it went away. */
export const connectionLost = (host: InventoryHost) =>
  new HostError(
    host.name,
    'unreachable',
    'the SSH connection dropped while the command ran; it may still be running on the host',
    `Check that ${host.name} is up and reachable, then look at what the command left before running it again.`,
  );

const cancelled = (host: InventoryHost) =>
  new HostError(host.name, 'command-failed', 'cancelled', 'The job was cancelled; nothing else to do.');

/** A connect that is still under way when the job is cancelled stops waiting (the pool still caches it). */
function untilAborted<T>(work: Promise<T>, host: InventoryHost, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(cancelled(host));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(cancelled(host));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const PID_MARK = '@@labops-pgid ';
const PID_LINE = new RegExp(`^${PID_MARK}(\\d+)\\n`);

/**
 * killGroup: the command prefixed with its shell's pid on stderr; on abort, `kill -KILL -- -<pid>` over a second
 * channel, sent as soon as the pid is known (an abort may come before the pid line does). The channel is left
 * open until the killed command ends it, so the pid line cannot be lost.
 */
function runKillable(
  ssh: NodeSSH,
  host: InventoryHost,
  command: string,
  timeoutMs: number,
  { signal, stdin }: ExecOptions,
): Promise<ExecResult> {
  if (signal?.aborted) return Promise.reject(cancelled(host));
  let pid: number | undefined;
  let head = '';
  let wanted = false;
  // the pid is a number read back from the host, never text from a user
  const kill = () => {
    if (wanted && pid) ssh.execCommand(`kill -KILL -- -${pid} 2>/dev/null`).catch(() => undefined);
  };
  const run = runCommand(ssh, host, `echo "${PID_MARK}$$" >&2; ${command}`, timeoutMs, { stdin }, (chunk) => {
    if (pid || head.length > 64) return;
    head += chunk; // the first line may come in pieces
    pid = Number(PID_LINE.exec(head)?.[1]) || undefined;
    kill();
  }).then((r) => ({ ...r, stderr: r.stderr.replace(PID_LINE, '') }));
  if (!signal) return run;
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      wanted = true;
      kill();
      reject(cancelled(host));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    run.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Runs one command. On timeout or abort the SSH channel gets a KILL signal request (OpenSSH's sshd kills the
 * session's process group, except in ForceCommand sessions, where it refuses) and is closed.
 */
function runCommand(
  ssh: NodeSSH,
  host: InventoryHost,
  command: string,
  timeoutMs: number,
  { signal, stdin }: Pick<ExecOptions, 'signal' | 'stdin'>,
  onStderr?: (chunk: string) => void,
): Promise<ExecResult> {
  if (signal?.aborted) return Promise.reject(cancelled(host));
  return new Promise((resolve, reject) => {
    let channel: { close(): void; signal(name: string): void } | undefined;
    const stop = (error: HostError) => {
      clearTimeout(timer);
      try {
        channel?.signal('KILL');
        channel?.close();
      } catch {
        // the channel may already be gone
      }
      reject(error);
    };
    const timer = setTimeout(
      () =>
        stop(
          new HostError(
            host.name,
            'timeout',
            `command did not finish within ${timeoutMs / 1000} s`,
            `The host answers SSH but the command hangs; log in to ${host.name} and check the load.`,
          ),
        ),
      timeoutMs,
    );
    const onAbort = () => stop(cancelled(host));
    signal?.addEventListener('abort', onAbort, { once: true });
    ssh
      .execCommand(command, {
        noTrim: true,
        ...(stdin !== undefined ? { stdin } : {}),
        ...(onStderr ? { onStderr: (chunk: Buffer) => onStderr(chunk.toString()) } : {}),
        onChannel: (ch) => {
          channel = ch;
        },
      })
      .then(
        (r) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          if (r.code === null && r.signal === null) reject(connectionLost(host));
          else resolve({ stdout: r.stdout, stderr: r.stderr, code: r.code });
        },
        (err) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
  });
}
