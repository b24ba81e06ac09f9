import { spawnSync } from 'node:child_process';
import { readFdLimit } from '../../src/ssh/fd-limit.js';

/**
 * Raises this process's soft limit on open files towards `need` (up to the hard limit) with prlimit(1), since
 * Node cannot call setrlimit itself. Says what it could not do instead of failing later with EMFILE.
 */
export function ensureFdLimit(need: number): { soft: number; warning?: string } {
  const now = readFdLimit();
  if (!now) return { soft: Number.NaN, warning: 'cannot read /proc/self/limits; the fd limit is unknown' };
  if (now.soft >= need) return { soft: now.soft };
  const target = Math.min(need, now.hard);
  const r = spawnSync('prlimit', ['--pid', String(process.pid), `--nofile=${target}:${now.hard}`]);
  const after = readFdLimit()?.soft ?? now.soft;
  if (after >= need) return { soft: after };
  const why = r.error ? r.error.message : r.stderr.toString().trim();
  return {
    soft: after,
    warning: `needs ${need} open files but the limit is ${after} (hard ${now.hard})${why ? `: ${why}` : ''}; raise it (ulimit -n) or use fewer hosts`,
  };
}
