import { HostError } from '../../errors.js';
import type { InventoryHost } from '../../inventory/index.js';
import type { ExecStream } from '../../ssh/exec-stream.js';
import type { SshPool } from '../../ssh/ssh-pool.js';
import { asRoot } from '../remote/become.js';
import { cutLine } from '../remote/long-lines.js';
import { RemotePath } from '../remote/remote-path.js';
import { shellQuote } from '../remote/shell-quote.js';
import { createLineSplitter, emptyProgress, type PackstackProgress, readLine } from './packstack-output.js';
import { killPackstack } from './packstack-process.js';

export interface InstallResult {
  progress: PackstackProgress;
  code: number | null;
  /** The last lines of the setup log, or of the console output when the log cannot be read. */
  tail?: { from: string; text: string };
}

const TAIL_LINES = 40;

/**
 * Stage 4: `packstack --answer-file=<file>`, its output read line by line as it comes (live progress through
 * onProgress). Without a streaming exec the whole output is read at the end. On failure, the log's tail.
 */
export async function runPackstack(
  deps: { ssh: Pick<SshPool, 'exec'>; execStream?: ExecStream },
  host: InventoryHost,
  answerFile: string,
  o: { timeoutMs: number; signal?: AbortSignal; onProgress(p: PackstackProgress): void },
): Promise<InstallResult> {
  const command = asRoot(host, `packstack --answer-file=${shellQuote(answerFile)} 2>&1`);
  let progress = emptyProgress();
  const lines = createLineSplitter();
  const take = (ls: string[]) => {
    if (ls.length === 0) return;
    progress = ls.reduce(readLine, progress);
    o.onProgress(progress);
  };
  const result = await (deps.execStream
    ? deps.execStream(host, command, {
        onStdout: (chunk) => take(lines.push(chunk)),
        signal: o.signal,
        timeoutMs: o.timeoutMs,
      })
    : deps.ssh.exec(host, command, { signal: o.signal, timeoutMs: o.timeoutMs }).then((r) => {
        take(lines.push(r.stdout));
        return r;
      })
  ).catch(async (err: unknown) => {
    // cancelled or timed out: the session's process group is killed, but a packstack under sudo is root's and
    // may have left that group (sudo's use_pty), so it is also killed by name, as root. A lost connection is
    // not a reason to stop an install that may be going well: the next preflight finds it running.
    const stopped = o.signal?.aborted || (err instanceof HostError && err.code === 'timeout');
    if (stopped)
      await deps.ssh
        .exec(host, asRoot(host, killPackstack(answerFile)), { timeoutMs: 15_000 })
        .catch(() => undefined);
    throw err;
  });
  take(lines.flush());
  if (result.code === 0 && progress.succeeded) return { progress, code: result.code };
  return {
    progress,
    code: result.code,
    tail: await tailOf(deps.ssh, host, progress, result.stdout, o.signal),
  };
}

async function tailOf(
  ssh: Pick<SshPool, 'exec'>,
  host: InventoryHost,
  p: PackstackProgress,
  console: string,
  signal?: AbortSignal,
): Promise<{ from: string; text: string }> {
  const log = RemotePath.safeParse(p.setupLog);
  if (log.success) {
    const r = await ssh
      .exec(host, asRoot(host, `tail -n ${TAIL_LINES} ${shellQuote(log.data)}`), { signal })
      .catch(() => undefined);
    if (r?.code === 0 && r.stdout.trim()) return { from: log.data, text: r.stdout };
  }
  // each line cut: one megabyte line would otherwise be the whole tail
  const lines = console
    .split('\n')
    .slice(-TAIL_LINES)
    .map((l) => cutLine(l));
  return { from: 'the console output', text: lines.join('\n') };
}
