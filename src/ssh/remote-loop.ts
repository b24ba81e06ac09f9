import type { HostError } from '../errors.js';
import type { InventoryHost } from '../inventory/index.js';
import { createCappedOutput } from './capped-output.js';
import { type FrameReader, frameReader } from './frame-reader.js';
import { type GroupKill, groupKill } from './group-kill.js';
import { onAbort } from './on-abort.js';
import { PID_PREFIX, type PidLineReader, pidLineReader } from './pid-line.js';
import {
  type ChannelOpener,
  cancelled,
  type ExecResult,
  KILL_GRACE_MS,
  type RemoteChannel,
  shuttingDown,
  timedOut,
} from './remote-process.js';
import type { RepeatingCommand } from './repeating-command.js';

export interface LoopCheck {
  timeoutMs: number;
  /** Aborting rejects at once with a 'cancelled' HostError and kills the loop's process group. */
  signal?: AbortSignal;
  /** Bytes kept of the check's stdout and of its stderr, as exec keeps them. */
  maxOutputBytes: number;
}

/**
 * A check's answer: what the run printed, or `gone` when the loop ended (or never started) before the run's end
 * mark came, for a reason of its own: run the check by plain exec. `answered` counts the checks it did answer.
 */
export type LoopAnswer = { result: ExecResult } | { gone: true; answered: number };

interface Pending {
  frame: FrameReader;
  stderr: ReturnType<typeof createCappedOutput>;
  maxOutputBytes: number;
  resolve(answer: LoopAnswer): void;
  reject(error: HostError): void;
  /** Clears the check's timer and listeners. */
  finish(): void;
}

const noop = () => undefined;

/**
 * One long-lived exec channel running a RepeatingCommand's loop: a check writes a newline and reads stdout up to
 * the run's end mark, one data packet each way instead of a channel's ~10 packets. One check at a time. The loop's
 * shell reports its pid first (PID_PREFIX), so a check that times out, is cancelled or is stopped by the pool
 * closing kills the loop's process group as runRemote kills a command's; the loop then ends, and the next check
 * needs a new one. Output where none is due (after a run's end mark, between checks) means the loop is out of
 * step: it is killed too. An idle loop is ended by EOF (its `read` fails).
 */
export class RemoteLoop {
  private channel: RemoteChannel | undefined;
  private release: (() => void) | undefined;
  private pending: Pending | undefined;
  /** Takes no more checks: stopped, out of step, sent EOF or closed. */
  private over = false;
  private answered = 0;
  /**
   * The loop's shell has said its pid (or something else first): the first newline waits for it. Sent earlier, the
   * host's answer would wait behind that unacknowledged pid line (Nagle) for the client's delayed ACK, ~40 ms; sent
   * on it, the newline is that ACK.
   */
  private started = false;
  private grace: NodeJS.Timeout | undefined;
  private readonly killer: GroupKill;
  private readonly pidLine: PidLineReader;

  constructor(
    opener: ChannelOpener,
    private readonly host: InventoryHost,
    readonly spec: RepeatingCommand,
    private readonly closing?: AbortSignal,
  ) {
    this.killer = groupKill(opener);
    this.pidLine = pidLineReader((pid) => {
      this.killer.pidKnown(pid);
      this.start();
    });
    opener
      .open(`${PID_PREFIX}${spec.loop}`, (channel, release) => this.attach(channel, release), {
        abandoned: () => this.over,
      })
      .catch(() => this.closed()); // refused, or the connection went: the check runs by exec
  }

  /** Takes no more checks: the next one needs a new loop. */
  get ended(): boolean {
    return this.over;
  }

  /** The shell has not said its pid (nor anything else) yet: a loop that times out so is not worth asking again. */
  get silent(): boolean {
    return !this.started;
  }

  /** Can take a check now: not in one, not ended (it may still be opening its channel). */
  get idle(): boolean {
    return !this.over && !this.pending;
  }

  /** Runs the command once more. Throws HostError on timeout, cancel or shutdown (the loop is killed). */
  check(c: LoopCheck): Promise<LoopAnswer> {
    if (!this.idle) return Promise.resolve({ gone: true, answered: this.answered });
    if (c.signal?.aborted) return Promise.reject(cancelled(this.host));
    if (this.closing?.aborted) return Promise.reject(shuttingDown(this.host));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.stop(timedOut(this.host, c.timeoutMs)), c.timeoutMs);
      const forgetCancel = c.signal ? onAbort(c.signal, () => this.stop(cancelled(this.host))) : noop;
      const forgetClose = this.closing
        ? onAbort(this.closing, () => this.stop(shuttingDown(this.host)))
        : noop;
      this.pending = {
        frame: frameReader(this.spec.endMark, c.maxOutputBytes),
        stderr: createCappedOutput(c.maxOutputBytes),
        maxOutputBytes: c.maxOutputBytes,
        resolve,
        reject,
        finish: () => {
          clearTimeout(timer);
          forgetCancel();
          forgetClose();
        },
      };
      if (this.started) this.channel?.write('\n'); // else start() writes it
    });
  }

  /** No more checks: an idle loop gets EOF and exits. A loop in a check is stopped by that check's signals. */
  end(): void {
    if (this.over) return;
    this.over = true;
    if (!this.pending) this.channel?.end();
  }

  private attach(channel: RemoteChannel, release: () => void): void {
    this.channel = channel;
    this.release = release;
    channel.on('data', (chunk: Buffer) => this.onStdout(chunk));
    channel.stderr.on('data', (chunk: Buffer) => {
      const own = this.pidLine.push(chunk);
      if (!own.length) return;
      this.start(); // a shell that printed something else first: no pid to wait for
      this.pending?.stderr.push(own);
    });
    channel.on('error', noop); // 'close' follows and tells
    channel.on('close', () => this.closed());
    if (this.over) channel.end();
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    if (this.pending && !this.over) this.channel?.write('\n');
  }

  private onStdout(chunk: Buffer): void {
    const p = this.pending;
    // what a stopped loop still sends is dropped; anything else unasked for is a loop out of step
    if (!p) {
      if (!this.over) this.kill();
      return;
    }
    this.start(); // output before the pid line: read as part of the frame, as exec would keep it
    const rest = p.frame.push(chunk);
    if (rest === undefined) return;
    this.pending = undefined;
    p.finish();
    this.answered++;
    p.resolve({ result: frameResult(p) });
    if (rest.length) this.kill();
    else if (this.over) this.channel?.end(); // ended while it answered: EOF now that it is idle
  }

  private stop(error: HostError): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    p.finish();
    p.reject(error);
    this.kill();
  }

  /** Kills the loop's group (now, or once its pid line comes); its channel is let go if it does not end. */
  private kill(): void {
    this.over = true;
    this.killer.stop();
    if (this.grace) return;
    this.grace = setTimeout(() => {
      this.channel?.close();
      this.release?.();
    }, KILL_GRACE_MS);
    this.grace.unref();
  }

  private closed(): void {
    clearTimeout(this.grace);
    this.release?.();
    this.over = true;
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    p.finish();
    p.resolve({ gone: true, answered: this.answered });
  }
}

/** A run that printed its end mark ended there: exit status 0, as exec reports for the same run. */
function frameResult(p: Pending): ExecResult {
  const r: ExecResult = { stdout: p.frame.text(), stderr: p.stderr.text(), code: 0 };
  const stdoutBytes = p.frame.droppedBytes();
  const stderrBytes = p.stderr.droppedBytes();
  if (stdoutBytes + stderrBytes > 0) r.truncated = { limitBytes: p.maxOutputBytes, stdoutBytes, stderrBytes };
  return r;
}
