import { HostError } from '../errors.js';
import type { InventoryHost } from '../inventory/index.js';
import { createCappedOutput, type OutputCut } from './capped-output.js';
import { groupKill } from './group-kill.js';
import { onAbort } from './on-abort.js';
import { PID_PREFIX, pidLineReader } from './pid-line.js';
import type { AttachChannel, ChannelOpener, RemoteChannel } from './remote-channel.js';

export { PID_PREFIX } from './pid-line.js';
export type { AttachChannel, ChannelOpener, RemoteChannel } from './remote-channel.js';

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit status; null when the remote process was killed by a signal. */
  code: number | null;
  /** Set when the command printed more than the cap: what was dropped (see outputCutNote). */
  truncated?: OutputCut;
}

export interface RemoteRun {
  command: string;
  timeoutMs: number;
  /** Aborting rejects at once with a 'cancelled' HostError and kills the remote process group. */
  signal?: AbortSignal;
  /** The pool closing: the command is stopped and its group killed as on a cancel, before the connection goes. */
  closing?: AbortSignal;
  /** Written to the command's stdin, then closed: content that must not appear on a command line (secrets). */
  stdin?: string;
  /** Bytes kept of each of stdout and stderr; the rest is dropped and counted in `truncated`. */
  maxOutputBytes: number;
  /** Output as it arrives, decoded as UTF-8 (a character split across chunks is kept whole); never capped. */
  onStdout?(text: string): void;
  onStderr?(text: string): void;
}

/** How long a stopped command's channel may take to end after its group was killed, before it is let go. */
export const KILL_GRACE_MS = 10_000;

export const cancelled = (host: InventoryHost) =>
  new HostError(host.name, 'command-failed', 'cancelled', 'The job was cancelled; nothing else to do.');

export const timedOut = (host: InventoryHost, timeoutMs: number) =>
  new HostError(
    host.name,
    'timeout',
    `command did not finish within ${timeoutMs / 1000} s; labops killed it`,
    `The host answers SSH but the command hangs; log in to ${host.name} and check the load.`,
  );

export const shuttingDown = (host: InventoryHost) =>
  new HostError(
    host.name,
    'command-failed',
    'labops is shutting down: the command was stopped',
    'Run the command again once labops is back.',
  );

/** A command that ended with neither an exit status nor a signal: the connection under it went away. */
export const connectionLost = (host: InventoryHost) =>
  new HostError(
    host.name,
    'unreachable',
    'the SSH connection dropped while the command ran; it may still be running on the host',
    `Check that ${host.name} is up and reachable, then look at what the command left before running it again.`,
  );

/** The SSH session itself failed (a channel could not be opened, the connection is gone). */
export const sessionFailed = (host: InventoryHost, err: Error) =>
  new HostError(
    host.name,
    'unreachable',
    `SSH session failed: ${err.message}`,
    'Try again; if it persists, check sshd on the host.',
  );

/**
 * Runs one command, the one way labops runs anything remote (pooled or streamed). The remote shell first reports
 * its pid (sshd made it a session and process group leader); on timeout or abort the whole group is killed with
 * `kill -KILL -- -<pid>` over another channel, as soon as the pid is known (an abort may come before the pid
 * line does). An SSH signal request is not enough: sshd refuses it in ForceCommand sessions. Output kept is
 * capped per stream.
 */
export function runRemote(opener: ChannelOpener, host: InventoryHost, run: RemoteRun): Promise<ExecResult> {
  if (run.signal?.aborted) return Promise.reject(cancelled(host));
  return new Promise((resolve, reject) => {
    const stdout = createCappedOutput(run.maxOutputBytes);
    const stderr = createCappedOutput(run.maxOutputBytes);
    // decoded only for a caller that streams the output: the result is decoded once, at the end
    const outText = run.onStdout ? new TextDecoder() : undefined;
    const errText = run.onStderr ? new TextDecoder() : undefined;
    const killer = groupKill(opener);
    const pidLine = pidLineReader((pid) => killer.pidKnown(pid));
    let exit: { code: number | null; signal: string | null } | undefined;
    let stopped = false;
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    let handle: { channel: RemoteChannel; release(): void } | undefined;

    const finish = () => {
      clearTimeout(timer);
      forgetCancel();
      forgetClose();
    };
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      finish();
      fn();
    };
    const stop = (error: HostError) => {
      if (stopped || settled) return;
      stopped = true;
      settle(() => reject(error));
      killer.stop();
      // the channel ends when the killed group does; if it does not, its slot is let go anyway
      grace = setTimeout(() => {
        handle?.channel.close();
        handle?.release();
      }, KILL_GRACE_MS);
      grace.unref();
    };
    const timer = setTimeout(() => stop(timedOut(host, run.timeoutMs)), run.timeoutMs);
    const forgetCancel = run.signal ? onAbort(run.signal, () => stop(cancelled(host))) : () => undefined;
    const forgetClose = run.closing ? onAbort(run.closing, () => stop(shuttingDown(host))) : () => undefined;

    const onStderrBytes = (bytes: Buffer) => {
      const chunk = pidLine.push(bytes);
      if (!chunk.length) return;
      stderr.push(chunk);
      if (!errText) return;
      const s = errText.decode(chunk, { stream: true });
      if (s && !stopped) run.onStderr?.(s);
    };

    const attach: AttachChannel = (channel, release) => {
      handle = { channel, release };
      channel.on('data', (chunk: Buffer) => {
        stdout.push(chunk);
        if (!outText) return;
        const s = outText.decode(chunk, { stream: true });
        if (s && !stopped) run.onStdout?.(s);
      });
      channel.stderr.on('data', onStderrBytes);
      channel.on('exit', (code, signal) => {
        exit = { code: code ?? null, signal: signal ?? null };
      });
      channel.on('error', () => undefined); // 'close' follows and tells
      channel.on('close', () => {
        clearTimeout(grace);
        release();
        const head = pidLine.flush(); // a first line that never ended: keep what came
        if (head.length) stderr.push(head);
        settle(() => {
          const outTail = outText?.decode();
          if (outTail) run.onStdout?.(outTail);
          const errTail = errText?.decode();
          if (errTail) run.onStderr?.(errTail);
          if (!exit) return reject(connectionLost(host));
          resolve(result(stdout, stderr, exit.code, run.maxOutputBytes));
        });
      });
      if (run.stdin !== undefined) channel.write(run.stdin);
      channel.end();
    };
    // a command stopped before its pid line came is killed when the line comes (onStderrBytes)
    opener
      .open(`${PID_PREFIX}${run.command}`, attach, { abandoned: () => stopped })
      .catch((err: unknown) => settle(() => reject(err)));
  });
}

function result(
  stdout: ReturnType<typeof createCappedOutput>,
  stderr: ReturnType<typeof createCappedOutput>,
  code: number | null,
  limitBytes: number,
): ExecResult {
  const r: ExecResult = { stdout: stdout.text(), stderr: stderr.text(), code };
  const stdoutBytes = stdout.droppedBytes();
  const stderrBytes = stderr.droppedBytes();
  if (stdoutBytes + stderrBytes > 0) r.truncated = { limitBytes, stdoutBytes, stderrBytes };
  return r;
}
