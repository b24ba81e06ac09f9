import { readdirSync, readFileSync } from 'node:fs';

/** The process's limit on open file descriptors (RLIMIT_NOFILE); Infinity for "unlimited". */
export interface FdLimit {
  soft: number;
  hard: number;
}

const value = (v: string) => (v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v));

/** Reads "Max open files  SOFT  HARD  files" out of /proc/<pid>/limits text; undefined if absent. */
export function parseFdLimit(limitsText: string): FdLimit | undefined {
  const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(limitsText);
  return m ? { soft: value(m[1] as string), hard: value(m[2] as string) } : undefined;
}

/** This process's limit, or undefined where /proc cannot tell (not Linux). */
export function readFdLimit(pid: number | 'self' = 'self'): FdLimit | undefined {
  try {
    return parseFdLimit(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Descriptors this process has open now, or undefined where /proc cannot tell. */
export function openFdCount(pid: number | 'self' = 'self'): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

/** Descriptors a worker uses besides SSH connections (Redis, HTTP, logs, Node's own), with room to spare. */
export const FD_RESERVE = 200;

/**
 * The start-up check: a worker keeps one connection (one descriptor) per host it reaches, up to the ceiling.
 * Returns the warning to log when the soft limit cannot hold that many, or undefined when it can.
 */
export function fdBudgetWarning(o: {
  hosts: number;
  maxConnections?: number;
  limit: FdLimit | undefined;
}): string | undefined {
  if (!o.limit) return undefined;
  const connections = Math.min(o.hosts, o.maxConnections ?? o.hosts);
  const need = connections + FD_RESERVE;
  if (o.limit.soft >= need) return undefined;
  const fits = Math.max(1, o.limit.soft - FD_RESERVE);
  const raise =
    o.limit.hard >= need
      ? `raise the soft limit to ${need} (ulimit -n ${need}; LimitNOFILE=${need} in a systemd unit; --ulimit nofile=${need} for docker)`
      : `raise the hard limit to at least ${need} (it is ${o.limit.hard}; LimitNOFILE=${need} in a systemd unit, --ulimit nofile=${need} for docker)`;
  return `the inventory has ${o.hosts} hosts and this worker may keep ${connections} SSH connections open, but it may open only ${o.limit.soft} files (ulimit -n): a run over all hosts would fail with "too many open files" (EMFILE). Either ${raise}, or set LAB_SSH_MAX_CONNECTIONS=${fits} so the pool closes idle connections instead.`;
}
