import pLimit from 'p-limit';
import { HostError } from '../errors.js';
import type { InventoryHost } from '../inventory/index.js';
import type { AttachChannel, ChannelOpener, RemoteChannel } from './remote-process.js';

/** The part of an ssh2 Client used here. */
export interface ExecClient {
  exec(command: string, cb: (err: Error | undefined, channel: RemoteChannel) => void): unknown;
}

export interface ChannelLimits {
  /** Command channels open at once on one connection; sshd's MaxSessions defaults to 10. */
  maxChannels: number;
  /** Tries of a channel open that sshd refused (MaxSessions reached), with doubling waits from retryBaseMs. */
  openAttempts: number;
  retryBaseMs: number;
}

/** The channels of one connection: open them, and wait until none is open before closing it. */
export interface ConnectionChannels extends ChannelOpener {
  /** Resolves once no channel is open (or after maxMs), e.g. a kill still under way. */
  drained(maxMs: number): Promise<void>;
}

export const DEFAULT_CHANNEL_LIMITS: ChannelLimits = { maxChannels: 8, openAttempts: 7, retryBaseMs: 100 };

// ssh2's words for CHANNEL_OPEN_FAILURE: sshd says "open failed" (administratively prohibited) at MaxSessions
const REFUSED = /Channel open failure/;

/**
 * Opens exec channels on one connection: at most maxChannels command channels at once (the rest wait their
 * turn), and a refused open is tried again after a pause on the same connection, which other commands share.
 * Kill channels skip the queue (they free the slots others wait for) and use the sessions left below MaxSessions.
 */
export function createChannelOpener(
  client: ExecClient,
  host: InventoryHost,
  limits: ChannelLimits = DEFAULT_CHANNEL_LIMITS,
): ConnectionChannels {
  const slots = pLimit(limits.maxChannels);
  let open = 0;
  const idleWaiters: Array<() => void> = [];
  const track = (done?: () => void) => {
    open++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      open--;
      done?.();
      if (open === 0) for (const wake of idleWaiters.splice(0)) wake();
    };
  };
  // `ready` runs inside ssh2's callback, before the channel can emit anything
  const execOnce = (command: string, ready: (channel: RemoteChannel) => void) =>
    new Promise<void>((resolve, reject) => {
      client.exec(command, (err, channel) => {
        if (err) return reject(err);
        keepFromAutoDestroy(channel);
        ready(channel);
        resolve();
      });
    });
  const execRetrying = async (command: string, ready: (channel: RemoteChannel) => void): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await execOnce(command, ready);
      } catch (err) {
        if (!REFUSED.test((err as Error).message)) throw err;
        if (attempt >= limits.openAttempts) throw refused(host, attempt);
        await new Promise((r) => setTimeout(r, limits.retryBaseMs * 2 ** (attempt - 1)));
      }
    }
  };
  // A channel counts as open from its exec request on, not from the host's answer: the host may already be
  // running the command when the connection is about to close, and `drained` must wait for its kill.
  const execTracked = (command: string, attach: AttachChannel, done?: () => void) => {
    const release = track(done);
    return execRetrying(command, (channel) => attach(channel, release)).catch((err: unknown) => {
      release();
      throw err;
    });
  };
  return {
    open(command: string, attach: AttachChannel, { kind = 'command', abandoned = () => false } = {}) {
      if (kind === 'kill') return execTracked(command, attach);
      return new Promise<void>((resolve, reject) => {
        // the slot is held until the caller releases the channel, not just while it opens
        void slots(
          () =>
            new Promise<void>((done) => {
              if (abandoned()) {
                done();
                return reject(new Error('the command was given up before it started'));
              }
              execTracked(command, attach, done).then(resolve, reject);
            }),
        );
      });
    },
    drained(maxMs) {
      if (open === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, maxMs);
        timer.unref();
        idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

/**
 * Once both sides of a channel have ended, Node auto-destroys the stream, and ssh2's Channel.destroy() calls end()
 * on it again: Node then builds an ERR_STREAM_ALREADY_FINISHED error (a stack trace) that nobody sees, for every
 * command (about 4 % of a warm check's CPU). Nothing is left for that destroy to do: labops ends every channel it
 * opens, and ssh2 has answered the host's close before the stream ends.
 */
function keepFromAutoDestroy(channel: RemoteChannel): void {
  const state = (channel as { _writableState?: { autoDestroy: boolean } })._writableState;
  if (state) state.autoDestroy = false;
}

const refused = (host: InventoryHost, attempts: number) =>
  new HostError(
    host.name,
    'unreachable',
    `sshd on ${host.name} refused a new session ${attempts} times (too many sessions open: MaxSessions?)`,
    `Try again shortly; if it persists, look for stuck SSH sessions on ${host.name} or raise MaxSessions in its sshd_config.`,
  );
