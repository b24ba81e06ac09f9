import { readFile } from 'node:fs/promises';
import { HostError } from '../errors.js';
import type { InventoryHost } from '../inventory/index.js';
import { createChannelOpener, type ExecClient } from './channel-opener.js';
import { connectHost } from './connect.js';
import { parseKnownHosts } from './known-hosts.js';
import { cancelled, type ExecResult, runRemote, sessionFailed } from './remote-process.js';
import { DEFAULT_MAX_OUTPUT_BYTES } from './ssh-pool.js';

export interface ExecStreamOptions {
  /** Output as it arrives, decoded as UTF-8 (a character split across chunks is kept whole). */
  onStdout(chunk: string): void;
  onStderr?(chunk: string): void;
  /** Aborting kills the remote command's process group and closes the connection. */
  signal?: AbortSignal;
  timeoutMs: number;
}

/**
 * Runs one long command and streams its output; resolves with its output (capped as the pool's is: the stream
 * callbacks see everything, the result keeps the head and the tail) and the exit status.
 */
export type ExecStream = (
  host: InventoryHost,
  command: string,
  opts: ExecStreamOptions,
) => Promise<ExecResult>;

/** How long a stopped command's kill may take before its connection is closed anyway. */
const KILL_DRAIN_MS = 15_000;

/**
 * execStream on a connection of its own, closed when the command ends: a long command (packstack runs for half
 * an hour) does not hold a pooled connection, and the pool's behaviour stays as it is. Timeout, abort and the kill
 * of the remote process group are the pool's (runRemote).
 */
export function createExecStream(o: {
  knownHostsPath: string;
  connectTimeoutMs: number;
  maxOutputBytes?: number;
}): ExecStream {
  return async (host, command, opts) => {
    if (opts.signal?.aborted) throw cancelled(host);
    const text = await readFile(o.knownHostsPath, 'utf8').catch(() => '');
    const ssh = await connectHost(host, {
      knownHosts: parseKnownHosts(text),
      knownHostsPath: o.knownHostsPath,
      connectTimeoutMs: o.connectTimeoutMs,
    });
    const channels = createChannelOpener(ssh.connection as unknown as ExecClient, host);
    try {
      return await runRemote(channels, host, {
        command,
        timeoutMs: opts.timeoutMs,
        signal: opts.signal,
        maxOutputBytes: o.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
        onStdout: opts.onStdout,
        onStderr: opts.onStderr,
      });
    } catch (err) {
      if (!(err instanceof HostError)) throw sessionFailed(host, err as Error);
      throw err;
    } finally {
      // a stopped command's kill goes over this connection: it closes once that is done
      void channels.drained(KILL_DRAIN_MS).finally(() => ssh.dispose());
    }
  };
}
