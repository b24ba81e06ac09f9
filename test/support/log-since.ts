import { existsSync, readFileSync, statSync } from 'node:fs';

/**
 * A log that other test files write too (the shared lab's per-host commands.log): what this file adds from now on,
 * and nothing written before. Call at the start of a test file; `read()` gives the lines written since.
 */
export function logSince(path: string): { read(): string[] } {
  const from = existsSync(path) ? statSync(path).size : 0;
  return {
    read: () => {
      if (!existsSync(path)) return [];
      const text = readFileSync(path).subarray(from).toString('utf8');
      return text.split('\n').filter(Boolean);
    },
  };
}
