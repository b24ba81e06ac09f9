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
