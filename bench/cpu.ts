import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim() || 100);

interface Stat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime: its own CPU and that of every child it has reaped, in ms. */
  cpuMs: number;
  cmdline: string;
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name may hold spaces and parentheses: fields start after the last ')'
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(f[i]), 0);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return { pid, ppid: Number(f[1]), cpuMs: ticks * TICK_MS, cmdline };
  } catch {
    return undefined; // gone meanwhile
  }
}

function allStats(): Stat[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => readStat(Number(d)) ?? []);
}

/**
 * CPU (ms) used so far by the processes in `roots`, every live descendant, and every descendant they reaped;
 * plus processes whose command line contains `alsoMatching` (ssh ControlMaster daemons, which no one reaps).
 * Take the difference of two readings over an interval.
 */
export function cpuMs(roots: number[], alsoMatching?: string): number {
  const stats = allStats();
  const children = new Map<number, Stat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const seen = new Set<number>();
  const stack = stats.filter(
    (s) => roots.includes(s.pid) || (alsoMatching !== undefined && s.cmdline.includes(alsoMatching)),
  );
  let total = 0;
  while (stack.length > 0) {
    const s = stack.pop() as Stat;
    if (seen.has(s.pid)) continue;
    seen.add(s.pid);
    total += s.cpuMs;
    stack.push(...(children.get(s.pid) ?? []));
  }
  return total;
}

/** CPU (ms) one process used so far, with the children it reaped (not the live ones). */
export function ownCpuMs(pid: number): number {
  return readStat(pid)?.cpuMs ?? 0;
}

/** Where to read CPU from: the tool measured, and the simulated hosts. */
export interface CpuProbe {
  tool(): number;
  hosts(): number;
}

/** A timed run with the CPU used during it, in ms. */
export interface Sample {
  wallMs: number;
  toolCpuMs: number;
  hostCpuMs: number;
  /** Everything else the machine did meanwhile (other users' work, the bench process itself, the kernel). */
  otherCpuMs: number;
}

/** CPU (ms) every core of the machine spent busy since boot, from the first line of /proc/stat. */
export function machineBusyMs(): number {
  const [, user, nice, system, , , irq, softirq, steal] =
    readFileSync('/proc/stat', 'utf8').split('\n')[0]?.split(/\s+/) ?? [];
  return [user, nice, system, irq, softirq, steal].reduce((sum, v) => sum + Number(v ?? 0), 0) * TICK_MS;
}

/** Runs fn (which returns its own wall time in ms) and adds the CPU used meanwhile. */
export async function withCpu(probe: CpuProbe, fn: () => Promise<number>): Promise<Sample> {
  const before = { tool: probe.tool(), hosts: probe.hosts(), busy: machineBusyMs() };
  const wallMs = await fn();
  const busy = machineBusyMs() - before.busy;
  const toolCpuMs = probe.tool() - before.tool;
  const hostCpuMs = probe.hosts() - before.hosts;
  return { wallMs, toolCpuMs, hostCpuMs, otherCpuMs: Math.max(0, busy - toolCpuMs - hostCpuMs) };
}
