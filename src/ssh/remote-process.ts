import { HostError } from '../errors.js';
import type { InventoryHost } from '../inventory/index.js';
import { createCappedOutput, type OutputCut } from './capped-output.js';
import { onAbort } from './on-abort.js';

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit status; null when the remote process was killed by a signal. */
  code: number | null;
  /** Set when the command printed more than the cap: what was dropped (see outputCutNote). */
  truncated?: OutputCut;
}

/** The part of an ssh2 exec channel used here (node-ssh hands out ssh2's objects untyped). */
export interface RemoteChannel {
  on(event: 'data', fn: (chunk: Buffer) => void): unknown;
  on(event: 'exit', fn: (code: number | null, signal?: string | null) => void): unknown;
  on(event: 'close' | 'error', fn: (...args: unknown[]) => void): unknown;
  stderr: { on(event: 'data', fn: (chunk: Buffer) => void): unknown };
  write(data: string): unknown;
  end(): unknown;
  close(): unknown;
}

/** Sets up a channel the moment it exists, before any of its events (ssh2 may emit 'exit' in the same tick). */
export type AttachChannel = (channel: RemoteChannel, release: () => void) => void;

/**
 * Where a command runs: opens a channel for it and hands it to `attach` with a release for its session slot,
 * synchronously; resolves once attached. A 'kill' channel stops another command: it must not wait behind the
 * commands it would free. `abandoned` is asked just before the command would start: a command given up while it
 * waited never starts.
 */
export interface ChannelOpener {
  open(
    command: string,
    attach: AttachChannel,
    o?: { kind?: 'command' | 'kill'; abandoned?: () => boolean },
  ): Promise<void>;
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

const EMPTY = Buffer.alloc(0);
const PID_MARK = '@@labops-pgid ';
const PID_LINE = new RegExp(`^${PID_MARK}(\\d+)\\n`);
/** The fixed prefix every command gets: its shell reports its pid, the session's process group, on stderr. */
export const PID_PREFIX = `echo "${PID_MARK}$$" >&2; `;
/** How long a stopped command's channel may take to end after its group was killed, before it is let go. */
const KILL_GRACE_MS = 10_000;

export const cancelled = (host: InventoryHost) =>
  new HostError(host.name, 'command-failed', 'cancelled', 'The job was cancelled; nothing else to do.');

const timedOut = (host: InventoryHost, timeoutMs: number) =>
  new HostError(
    host.name,
    'timeout',
    `command did not finish within ${timeoutMs / 1000} s; labops killed it`,
    `The host answers SSH but the command hangs; log in to ${host.name} and check the load.`,
  );

const shuttingDown = (host: InventoryHost) =>
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
    let pid: number | undefined;
    let head: Buffer = EMPTY;
    let noPidLine = false;
    let exit: { code: number | null; signal: string | null } | undefined;
    let stopped = false;
    let settled = false;
    let killSent = false;
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
    // the pid is a number read back from the host, never text from a user
    const kill = () => {
      if (!stopped || !pid || killSent) return;
      killSent = true;
      opener
        .open(
          `kill -KILL -- -${pid} 2>/dev/null`,
          (channel, release) => {
            // read to the end: a stream nobody reads never emits 'close', and its slot would stay taken
            channel.on('data', () => undefined);
            channel.stderr.on('data', () => undefined);
            channel.on('close', release);
            channel.on('error', () => undefined);
            channel.end();
          },
          { kind: 'kill' },
        )
        .catch(() => undefined);
    };
    const stop = (error: HostError) => {
      if (stopped || settled) return;
      stopped = true;
      settle(() => reject(error));
      kill();
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

    const onStderrBytes = (chunk: Buffer) => {
      if (pid === undefined && !noPidLine) {
        head = head.length ? Buffer.concat([head, chunk]) : chunk; // the first line may come in pieces
        const m = PID_LINE.exec(head.toString('latin1'));
        if (m) {
          pid = Number(m[1]);
          kill();
        } else if (head.length < 64 && !head.includes(0x0a)) return;
        else noPidLine = true; // a shell that did not print it: its stderr is kept as it came
        chunk = head.subarray(m ? m[0].length : 0);
        head = EMPTY;
      }
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
        if (head.length) stderr.push(head); // a first line that never ended: keep what came
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
