import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * VmRSS (KiB) of a node process that tsx starts for a file that only waits: what any TypeScript file run
 * the way labops is run costs before it does anything (tsx's loader runs its hooks on a thread of its own).
 */
export async function idleTsxRssKiB(dir: string): Promise<number> {
  const file = join(dir, 'idle.ts');
  writeFileSync(file, 'setTimeout(() => undefined, 30_000);\n');
  const child = spawn('node_modules/.bin/tsx', [file], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await sleep(2000);
    const pid = Number(
      readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0],
    );
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(m?.[1] ?? Number.NaN);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}
