import { execFile } from 'node:child_process';

export interface CommandRun {
  ms: number;
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs a program to the end and times it, wall clock from spawn to exit. Never throws on a non-zero exit. */
export function runCommand(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<CommandRun> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        env: opts.env ?? process.env,
        cwd: opts.cwd,
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const ms = performance.now() - start;
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        if (err && typeof err.code !== 'number') reject(new Error(`${command}: ${err.message}\n${stderr}`));
        else resolve({ ms, stdout, stderr, code });
      },
    );
  });
}

/** How many lines of `chronyc -c tracking` CSV (reference id, name or address, stratum, ...) a tool printed. */
export function countTrackingLines(text: string): number {
  return (text.match(/^[0-9A-F]{8},[^,\n]*,\d+,/gm) ?? []).length;
}
