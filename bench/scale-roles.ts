import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { openFdCount } from '../src/ssh/fd-limit.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One labops role as production runs it (`node dist/cli.js [bot|worker]`): node itself is the process measured. */
export interface RoleProcess {
  pid: number;
  child: ChildProcess;
  rssKiB(): number;
  hwmKiB(): number;
  /** utime + stime so far, in ms. */
  cpuMs(): number;
  fds(): number;
  stop(): Promise<void>;
}

const TICK_MS = 10; // CLK_TCK is 100 on Linux x86-64

export function startRole(
  role: 'bot' | 'worker' | 'all',
  env: Record<string, string>,
  logPath: string,
  nodeArgs: string[] = [],
): RoleProcess {
  const fd = openSync(logPath, 'a');
  const child = spawn(process.execPath, [...nodeArgs, 'dist/cli.js', ...(role === 'all' ? [] : [role])], {
    stdio: ['ignore', fd, fd],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env },
  });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`bench: could not start the ${role}`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(m?.[1] ?? Number.NaN);
  };
  return {
    pid,
    child,
    rssKiB: () => field('VmRSS'),
    hwmKiB: () => field('VmHWM'),
    cpuMs() {
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      return (Number(f[11]) + Number(f[12])) * TICK_MS;
    },
    fds: () => openFdCount(pid) ?? Number.NaN,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      if ((await Promise.race([exited, sleep(20_000).then(() => 'late')])) === 'late') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Resolves once GET url answers 200; throws if the process exits first or after `withinMs`. */
export async function waitOk(
  url: string,
  child: ChildProcess,
  what: string,
  withinMs = 60_000,
): Promise<void> {
  for (const end = Date.now() + withinMs; ; await sleep(100)) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (child.exitCode !== null) throw new Error(`bench: the ${what} exited (${child.exitCode})`);
    if (Date.now() > end)
      throw new Error(`bench: the ${what} did not answer ${url} within ${withinMs / 1000} s`);
  }
}
