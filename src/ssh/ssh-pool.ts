import { readFile, stat } from 'node:fs/promises';
import type { NodeSSH } from 'node-ssh';
import pLimit, { type LimitFunction } from 'p-limit';
import { HostError } from '../errors.js';
import type { InventoryHost } from '../inventory/index.js';
import { type CeilingLog, type CeilingReport, ceilingReport } from './ceiling-log.js';
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
import { recentFiles } from './recent-files.js';
import { RemoteLoop } from './remote-loop.js';
import { cancelled, type ExecResult, runRemote, sessionFailed } from './remote-process.js';
import type { RepeatingCommand } from './repeating-command.js';

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
  /**
   * Connections open at once, closing ones included (each holds a file descriptor); unset: no ceiling. At the
   * ceiling the least recently used idle connection is closed first; if none is idle, a new one waits.
   */
  maxConnections?: number;
  /** Where the pool says that its ceiling is limiting (once, then a summary a minute at most). */
  log?: CeilingLog;
  /** false: execRepeating runs its command by plain exec every time, never over a loop (default true). */
  loops?: boolean;
}

/**
 * What a task or shard is given of the pool: exec, and execRepeating (a real pool has it; a test's scripted SSH
 * may have exec only, and its callers then run the repeating command by exec).
 */
export type PoolSsh = Pick<SshPool, 'exec'> & Partial<Pick<SshPool, 'execRepeating'>>;

/** 1 MiB a stream: a chatty host cannot grow the worker by more than a few MiB a command. */
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

const KILL_DRAIN_MS = 3000;
/** How often known_hosts' mtime is looked at while connections are opened. */
const KNOWN_HOSTS_RECHECK_MS = 1000;
/** How long a closed connection may take to say it is gone before its slot under the ceiling is let go. */
const CLOSE_WAIT_MS = 2000;

interface Pooled {
  ssh: Promise<NodeSSH>;
  opener: Promise<ConnectionChannels>;
  idle?: NodeJS.Timeout;
  busy: number;
  /** Set once dropped: resolves when the connection has closed. */
  gone?: Promise<void>;
  /** The connection's socket has closed (the host or the network ended it). */
  socketClosed?: boolean;
  /** Its long-lived channel for a RepeatingCommand, once one was asked for. */
  loop?: RemoteLoop;
  /** A loop ended before it answered a check (refused, a ForceCommand): this connection runs plain exec only. */
  noLoop?: boolean;
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
  private knownHostsRead: { at: number; entries: Promise<KnownHostEntry[]> } | undefined;
  private closed = false;
  /** Aborted by close(): running commands are stopped and their groups killed before the connections go. */
  private readonly closing = new AbortController();
  /** Connections dropped whose sockets are not closed yet: they still count under the ceiling. */
  private closingCount = 0;
  /** Commands waiting for room under the ceiling. */
  private readonly roomWaiters: Array<() => void> = [];
  private readonly ceiling: CeilingReport | undefined;
  private readonly readKeyFile = recentFiles(KNOWN_HOSTS_RECHECK_MS);

  constructor(private readonly opts: SshPoolOptions) {
    this.limit = pLimit(opts.concurrency);
    const max = opts.maxConnections;
    if (max !== undefined && max > 0)
      this.ceiling = ceilingReport(opts.log ?? { warn: () => undefined }, max);
  }

  /** Runs a fixed command on a host. Throws HostError for anything the operator must know about. */
  exec(host: InventoryHost, command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.withConnection(host, opts, (opener) => this.run(opener, host, command, opts));
  }

  /**
   * Runs a RepeatingCommand's `command` on a host, as exec does and with the same result, but over the
   * connection's long-lived loop channel (see RemoteLoop): ~2 packets a check instead of ~10. Where the loop cannot
   * serve it (busy with another check, refused, ended before its answer) the check runs by plain exec; a
   * connection whose loop never answered does not try again. No stdin: the loop's stdin carries its newlines.
   */
  execRepeating(
    host: InventoryHost,
    spec: RepeatingCommand,
    opts: Omit<ExecOptions, 'stdin'> = {},
  ): Promise<ExecResult> {
    return this.withConnection(host, opts, async (opener, pooled) => {
      const loop = this.loopFor(pooled, opener, host, spec);
      if (loop) {
        const answer = await loop
          .check({
            timeoutMs: opts.timeoutMs ?? this.opts.commandTimeoutMs,
            signal: opts.signal,
            maxOutputBytes: this.maxOutputBytes,
          })
          .catch((err: unknown) => {
            // timed out before its shell said a word: not a shell labops can run a loop in (a cancel says nothing)
            if (loop.silent && err instanceof HostError && err.code === 'timeout') pooled.noLoop = true;
            throw err;
          });
        if ('result' in answer) return answer.result;
        if (answer.answered === 0) pooled.noLoop = true;
      }
      return this.run(opener, host, spec.command, opts);
    });
  }

  /** The connection's idle loop for `spec`, a new one if it has none or its last one ended; none if busy. */
  private loopFor(
    pooled: Pooled,
    opener: ConnectionChannels,
    host: InventoryHost,
    spec: RepeatingCommand,
  ): RemoteLoop | undefined {
    if (this.opts.loops === false || pooled.noLoop || this.closing.signal.aborted) return undefined;
    const loop = pooled.loop;
    if (loop && loop.spec !== spec) return undefined; // one loop a connection: the first command asked keeps it
    if (loop?.idle) return loop;
    // one check at a time a loop: a second check of the host at once runs by exec rather than wait behind it
    if (loop && !loop.ended) return undefined;
    pooled.loop = new RemoteLoop(opener, host, spec, this.closing.signal);
    return pooled.loop;
  }

  private get maxOutputBytes(): number {
    return this.opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  }

  private run(opener: ConnectionChannels, host: InventoryHost, command: string, opts: ExecOptions) {
    return runRemote(opener, host, {
      command,
      timeoutMs: opts.timeoutMs ?? this.opts.commandTimeoutMs,
      signal: opts.signal,
      stdin: opts.stdin,
      closing: this.closing.signal,
      maxOutputBytes: this.maxOutputBytes,
    });
  }

  /** Runs `work` on the host's pooled connection; a connection that died since its last use gets one fresh try. */
  private withConnection(
    host: InventoryHost,
    opts: ExecOptions,
    work: (opener: ConnectionChannels, pooled: Pooled) => Promise<ExecResult>,
  ): Promise<ExecResult> {
    return this.limit(async () => {
      try {
        return await this.onConnection(host, opts, work);
      } catch (err) {
        // a pooled connection may have died since its last use (host rebooted, sshd restarted): one fresh try
        if (err instanceof StaleConnection) return this.onConnection(host, opts, work);
        throw err;
      }
    });
  }

  private async onConnection(
    host: InventoryHost,
    opts: ExecOptions,
    work: (opener: ConnectionChannels, pooled: Pooled) => Promise<ExecResult>,
  ): Promise<ExecResult> {
    const key = keyOf(host);
    const { pooled, fresh } = await this.acquire(host, key, opts.signal);
    try {
      const opener = await untilAborted(pooled.opener, host, opts.signal);
      return await work(opener, pooled);
    } catch (err) {
      if (err instanceof HostError) throw err;
      this.drop(key, pooled);
      if (!fresh) throw new StaleConnection();
      throw sessionFailed(host, err as Error);
    } finally {
      this.release(key, pooled);
    }
  }

  private async acquire(
    host: InventoryHost,
    key: string,
    signal?: AbortSignal,
  ): Promise<{ pooled: Pooled; fresh: boolean }> {
    let waited = false;
    for (;;) {
      if (this.closed) throw new Error('SSH pool is closed');
      const existing = this.conns.get(key);
      if (existing) {
        clearTimeout(existing.idle);
        existing.busy++;
        // the map's order is the order of last use: the first idle entry is the least recently used
        this.conns.delete(key);
        this.conns.set(key, existing);
        return { pooled: existing, fresh: false };
      }
      if (this.hasRoom()) return { pooled: this.open(host, key), fresh: true };
      // no more closings under way than commands waiting for their slots: one each
      const lru = this.closingCount <= this.roomWaiters.length ? this.leastRecentlyUsedIdle() : undefined;
      if (lru) {
        this.ceiling?.closed();
        this.drop(lru[0], lru[1]); // its slot frees once its socket has closed
      } else if (!waited) this.ceiling?.waited();
      waited = true;
      await untilAborted(new Promise<void>((r) => this.roomWaiters.push(r)), host, signal);
    }
  }

  private hasRoom(): boolean {
    const max = this.opts.maxConnections;
    return !max || this.conns.size + this.closingCount < max;
  }

  private leastRecentlyUsedIdle(): [string, Pooled] | undefined {
    for (const entry of this.conns) if (entry[1].busy === 0) return entry;
    return undefined;
  }

  /**
   * Those waiting for room try again (a connection closed, or one fell idle and can be closed): all of them, as
   * some may have been cancelled meanwhile; the ones that find no room wait again. At most `concurrency` wait.
   */
  private wakeWaiters(): void {
    for (const wake of this.roomWaiters.splice(0)) wake();
  }

  private open(host: InventoryHost, key: string): Pooled {
    // registered before any await, so concurrent commands to a host share one connection
    const ssh = this.loadKnownHosts().then((knownHosts) =>
      connectHost(host, {
        knownHosts,
        knownHostsPath: this.opts.knownHostsPath,
        connectTimeoutMs: this.opts.connectTimeoutMs,
        readKeyFile: this.readKeyFile,
      }),
    );
    const limits = { ...DEFAULT_CHANNEL_LIMITS, ...this.opts.channels };
    const opener = ssh.then((c) => createChannelOpener(c.connection as unknown as ExecClient, host, limits));
    opener.catch(() => undefined); // the same failure reaches the caller through `ssh`
    const pooled: Pooled = { busy: 1, ssh, opener };
    this.conns.set(key, pooled);
    pooled.ssh.then(
      (ssh) =>
        ssh.connection?.once('close', () => {
          pooled.socketClosed = true;
          this.drop(key, pooled);
        }),
      () => this.drop(key, pooled), // failed connects are not cached: the next job tries again
    );
    return pooled;
  }

  private release(key: string, pooled: Pooled): void {
    pooled.busy--;
    if (pooled.busy > 0 || this.conns.get(key) !== pooled) return;
    pooled.idle = setTimeout(() => this.drop(key, pooled), this.opts.idleMs);
    pooled.idle.unref();
    // a command waiting for room can have this connection's slot
    if (this.roomWaiters.length > 0) this.wakeWaiters();
  }

  private drop(key: string, pooled: Pooled): Promise<void> {
    clearTimeout(pooled.idle);
    if (this.conns.get(key) !== pooled) return pooled.gone ?? Promise.resolve();
    this.conns.delete(key);
    this.closingCount++;
    pooled.loop?.end(); // an idle loop exits on EOF; one in a check was stopped by the pool closing
    // a kill sent for a stopped command gets its moment before the connection goes
    pooled.gone = pooled.opener
      .then((o) => o.drained(KILL_DRAIN_MS))
      .catch(() => undefined)
      .then(() => pooled.ssh)
      .then(
        (ssh) => (pooled.socketClosed ? ssh.dispose() : closeConnection(ssh)),
        () => undefined,
      )
      .finally(() => {
        this.closingCount--;
        this.wakeWaiters();
      });
    return pooled.gone;
  }

  /**
   * known_hosts is re-read when it changes, so an operator's fix applies without a restart. Its mtime is looked at
   * once a second at most: a fan-out of 1000 new connections asks once, not 1000 times.
   */
  private loadKnownHosts(): Promise<KnownHostEntry[]> {
    const now = Date.now();
    if (this.knownHostsRead && now - this.knownHostsRead.at < KNOWN_HOSTS_RECHECK_MS)
      return this.knownHostsRead.entries;
    const entries = this.readKnownHosts();
    this.knownHostsRead = { at: now, entries };
    entries.catch(() => {
      this.knownHostsRead = undefined;
    });
    return entries;
  }

  private async readKnownHosts(): Promise<KnownHostEntry[]> {
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
    this.ceiling?.stop();
    this.wakeWaiters(); // they find the pool closed
    await Promise.allSettled([...this.conns.entries()].map(([key, pooled]) => this.drop(key, pooled)));
  }
}

/** Ends a connection and resolves once its socket has closed (its descriptor is free), or after CLOSE_WAIT_MS. */
function closeConnection(ssh: NodeSSH): Promise<void> {
  const connection = ssh.connection;
  if (!connection) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, CLOSE_WAIT_MS);
    timer.unref();
    connection.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    ssh.dispose();
  });
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
