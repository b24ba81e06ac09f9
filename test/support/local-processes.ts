import { execFileSync } from 'node:child_process';

/** Processes on this machine (the lab's hosts run their commands here) whose command line contains `pattern`. */
export function processesMatching(pattern: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** Polls `ok` every 50 ms until it holds or `ms` pass; resolves with its last answer. */
export async function until(ok: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await ok()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return ok();
}
