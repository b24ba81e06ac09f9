import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { freePort } from '../test/lab/redis.js';

/** labops in a child process (`tsx src/cli.ts`), so its memory is its own. */
export interface LabopsChild {
  /** The tsx launcher we spawned; it relays signals to the node process that runs labops. */
  launcherPid: number;
  /** The node process that runs src/cli.ts (tsx's child). */
  pid: number;
  port: number;
  eventsUrl: string;
  logPath: string;
  /** VmRSS and VmHWM of the labops process, and VmRSS of the tsx launcher, in KiB. */
  memory(): { rssKiB: number; hwmKiB: number; launcherRssKiB: number };
  /** SIGTERM (labops shuts down gracefully), SIGKILL by PID after 10 s. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const running = new Set<LabopsChild>();

/** Stops every labops child still running (for clean-up after a failure or a signal). */
export async function stopLabopsChildren(): Promise<void> {
  await Promise.all([...running].map((c) => c.stop()));
}

function statusField(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`bench: no ${field} in /proc/${pid}/status`);
  return Number(m[1]);
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

async function waitHealthy(port: number, child: ChildProcess, logPath: string): Promise<void> {
  for (const end = Date.now() + 30_000; Date.now() < end; await sleep(50)) {
    if (child.exitCode !== null)
      throw new Error(
        `bench: labops exited ${child.exitCode}:\n${readFileSync(logPath, 'utf8').slice(-2000)}`,
      );
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
  }
  throw new Error(`bench: labops did not become healthy within 30 s (log: ${logPath})`);
}

/** Starts labops (bot and worker in one process) with exactly `env` plus PATH, HOME and a free PORT. */
export async function startLabopsChild(env: Record<string, string>, logPath: string): Promise<LabopsChild> {
  const port = await freePort();
  const fd = openSync(logPath, 'a');
  const child = spawn('node_modules/.bin/tsx', ['src/cli.ts'], {
    stdio: ['ignore', fd, fd],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      ...env,
      PORT: String(port),
    },
  });
  closeSync(fd);
  const launcherPid = child.pid;
  if (launcherPid === undefined) throw new Error('bench: could not start labops');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitHealthy(port, child, logPath);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const [pid] = childPids(launcherPid);
  if (pid === undefined) {
    child.kill('SIGKILL');
    throw new Error('bench: cannot find the node process tsx started');
  }
  const handle: LabopsChild = {
    launcherPid,
    pid,
    port,
    eventsUrl: `http://127.0.0.1:${port}/slack/events`,
    logPath,
    memory: () => ({
      rssKiB: statusField(pid, 'VmRSS'),
      hwmKiB: statusField(pid, 'VmHWM'),
      launcherRssKiB: statusField(launcherPid, 'VmRSS'),
    }),
    async stop() {
      running.delete(handle);
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timeout = sleep(10_000).then(() => 'timeout');
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        for (const p of [pid, launcherPid]) {
          try {
            process.kill(p, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        await exited;
      }
    },
  };
  running.add(handle);
  return handle;
}
