import { readFile, stat } from 'node:fs/promises';
import type { NodeSSH } from 'node-ssh';
import pLimit, { type LimitFunction } from 'p-limit';
import { HostError } from '../errors.js';
import type { InventoryHost } from '../inventory/index.js';
import {
  type ChannelLimits,
  type ConnectionChannels,
  createChannelOpener,
  DEFAULT_CHANNEL_LIMITS,
  type ExecClient,
} from './channel-opener.js';
import { connectHost } from './connect.js';
import { type KnownHostEntry, parseKnownHosts } from './known-hosts.js';
import { onAbort } from './on-abort.js';
import { cancelled, type ExecResult, runRemote, sessionFailed } from './remote-process.js';

export type { ExecResult } from './remote-process.js';
export { connectionLost } from './remote-process.js';

export interface ExecOptions {
  timeoutMs?: number;
  /**
   * Aborting stops the command: it rejects at once with a 'cancelled' HostError, and the remote process group is
   * killed (as on a timeout; see runRemote).
   */
  signal?: AbortSignal;
  /** Written to the command's stdin, then closed: content that must not appear on a command line (secrets). */
  stdin?: string;
}

export interface SshPoolOptions {
  knownHostsPath: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  idleMs: number;
  concurrency: number;
  /** Bytes kept of each of a command's stdout and stderr; default 1 MiB. The rest is dropped and counted. */
  maxOutputBytes?: number;
  /** Channels per connection (under sshd's MaxSessions) and retries of a refused one. */
  channels?: Partial<ChannelLimits>;
}

/** 1 MiB a stream: a chatty host cannot grow the worker by more than a few MiB a command. */
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

const KILL_DRAIN_MS = 3000;

interface Pooled {
  ssh: Promise<NodeSSH>;
  opener: Promise<ConnectionChannels>;
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
  private readonly limit: LimitFunction;
  private knownHosts: { mtimeMs: number; entries: KnownHostEntry[] } | undefined;
  private closed = false;
  /** Aborted by close(): running commands are stopped and their groups killed before the connections go. */
  private readonly closing = new AbortController();

  constructor(private readonly opts: SshPoolOptions) {
    this.limit = pLimit(opts.concurrency);
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
    try {
      const opener = await untilAborted(pooled.opener, host, opts.signal);
      return await runRemote(opener, host, {
        command,
        timeoutMs: opts.timeoutMs ?? this.opts.commandTimeoutMs,
        signal: opts.signal,
        stdin: opts.stdin,
        closing: this.closing.signal,
        maxOutputBytes: this.opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
      });
    } catch (err) {
      if (err instanceof HostError) throw err;
      this.drop(key, pooled);
      if (!fresh) throw new StaleConnection();
      throw sessionFailed(host, err as Error);
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
    const ssh = this.loadKnownHosts().then((knownHosts) =>
      connectHost(host, {
        knownHosts,
        knownHostsPath: this.opts.knownHostsPath,
        connectTimeoutMs: this.opts.connectTimeoutMs,
      }),
    );
    const limits = { ...DEFAULT_CHANNEL_LIMITS, ...this.opts.channels };
    const opener = ssh.then((c) => createChannelOpener(c.connection as unknown as ExecClient, host, limits));
    opener.catch(() => undefined); // the same failure reaches the caller through `ssh`
    const pooled: Pooled = { busy: 1, ssh, opener };
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

  private drop(key: string, pooled: Pooled): Promise<void> {
    clearTimeout(pooled.idle);
    if (this.conns.get(key) === pooled) this.conns.delete(key);
    // a kill sent for a stopped command gets its moment before the connection goes
    return pooled.opener
      .then((o) => o.drained(KILL_DRAIN_MS))
      .catch(() => undefined)
      .then(() => pooled.ssh)
      .then(
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

  /** Stops the commands still running (their process groups killed), then closes every connection. */
  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    await Promise.allSettled([...this.conns.entries()].map(([key, pooled]) => this.drop(key, pooled)));
  }
}

class StaleConnection extends Error {}

/** A connect that is still under way when the job is cancelled stops waiting (the pool still caches it). */
function untilAborted<T>(work: Promise<T>, host: InventoryHost, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(cancelled(host));
  return new Promise((resolve, reject) => {
    const forget = onAbort(signal, () => reject(cancelled(host)));
    work.then(resolve, reject).finally(forget);
  });
}
