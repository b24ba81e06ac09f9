import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';

/** A daemon the lab started, detached, with stdout and stderr in its own log file. */
export interface LabProcess {
  name: string;
  pid: number;
  logPath: string;
  alive(): boolean;
}

/**
 * Starts `command` in its own process group and appends "pid name" to `registryPath`,
 * so a later lab in the same dir can stop it even if this node process died.
 */
export function spawnLogged(o: {
  name: string;
  command: string;
  args: string[];
  logPath: string;
  registryPath: string;
  env?: NodeJS.ProcessEnv;
}): LabProcess {
  const fd = openSync(o.logPath, 'a');
  const child = spawn(o.command, o.args, { detached: true, stdio: ['ignore', fd, fd], env: o.env });
  closeSync(fd);
  child.on('error', () => {}); // a failed spawn leaves pid undefined, reported below
  if (child.pid === undefined) throw new Error(`lab: could not start ${o.name} (${o.command})`);
  appendFileSync(o.registryPath, `${child.pid} ${o.name}\n`);
  // libuv still reaps it; unref only lets node exit if the lab is never stopped
  child.unref();
  return {
    name: o.name,
    pid: child.pid,
    logPath: o.logPath,
    alive: () => child.exitCode === null && child.signalCode === null,
  };
}

export function logTail(path: string, lines = 5): string {
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** True while `pid` runs (a zombie counts as gone); for processes that are not our children. */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, sig);
      return;
    } catch {
      // no such group (or already gone): try the pid alone
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitGone(procs: Pick<LabProcess, 'alive'>[], ms: number): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end && procs.some((p) => p.alive()); ) await sleep(25);
}

/** SIGTERM, then SIGKILL after `graceMs`; SIGCONT wakes a stopped (silent) sshd so it can die. */
export async function stopProcesses(procs: Omit<LabProcess, 'logPath'>[], graceMs = 2000): Promise<void> {
  for (const p of procs.filter((p) => p.alive())) {
    signal(p.pid, 'SIGTERM');
    signal(p.pid, 'SIGCONT');
  }
  await waitGone(procs, graceMs);
  const stubborn = procs.filter((p) => p.alive());
  for (const p of stubborn) signal(p.pid, 'SIGKILL');
  await waitGone(stubborn, 2000);
  for (const p of stubborn) {
    // libfaketime cleans its shared memory only on a normal exit
    rmSync(`/dev/shm/faketime_shm_${p.pid}`, { force: true });
    rmSync(`/dev/shm/sem.faketime_sem_${p.pid}`, { force: true });
  }
  const left = procs.filter((p) => p.alive());
  if (left.length)
    throw new Error(`lab: could not stop ${left.map((p) => `${p.name} (${p.pid})`).join(', ')}`);
}

/**
 * Stops what a previous lab in this dir left running, then clears the registry.
 * A pid only counts if its command line still mentions `dir`: pids get reused.
 */
export async function stopLeftovers(registryPath: string, dir: string): Promise<number> {
  if (!existsSync(registryPath)) return 0;
  const leftovers = readFileSync(registryPath, 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter(([pid]) => pid && /^\d+$/.test(pid))
    .map(([pid, name]) => ({ pid: Number(pid), name: name ?? '?', alive: () => pidAlive(Number(pid)) }))
    .filter((p) => p.alive() && cmdline(p.pid).includes(`${dir}/`));
  await stopProcesses(leftovers);
  rmSync(registryPath, { force: true });
  return leftovers.length;
}

/**
 * Kills what the lab's SSH sessions left running under `dir` (a remote command whose session ended without it):
 * sshd's session children are in process groups of their own, so stopping sshd does not stop them.
 * Returns their command lines, for the lab's log.
 */
export async function killSessionsUnder(dir: string): Promise<string[]> {
  const left = readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)
    .map(Number)
    .filter((pid) => cmdline(pid).includes(`${dir}/`) && pidAlive(pid))
    .map((pid) => ({ pid, name: cmdline(pid).replace(/\0/g, ' ').trim(), alive: () => pidAlive(pid) }));
  if (left.length) await stopProcesses(left, 500);
  return left.map((p) => p.name);
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}
