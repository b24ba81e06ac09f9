import { appendFileSync, writeFileSync } from 'node:fs';

const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'v']);

/**
 * One pino JSON line as a person reads it: `13:35:27 warn controller command failed (jobId=4 task=network.list)`.
 * Lines that are not JSON pass unchanged.
 */
export function humanLogLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json);
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = new Date(Number(entry.time ?? Date.now())).toISOString().slice(11, 19);
  const level = LEVELS[Number(entry.level)] ?? String(entry.level);
  const fields = Object.entries(entry)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${time} ${level} ${String(entry.msg ?? '')}${fields.length ? ` (${fields.join(' ')})` : ''}\n`;
}

/**
 * Console mode's log: human-readable lines appended to a file, so no log line lands in the transcript on the
 * terminal. `lines()` says how many were written (the session's end points to the file when there were any).
 * Each session starts the file afresh, so it holds what that session's end points to, and does not grow forever.
 */
export function humanLogFile(path: string): { write(line: string): void; lines(): number } {
  let n = 0;
  return {
    write(line) {
      (n++ === 0 ? writeFileSync : appendFileSync)(path, humanLogLine(line));
    },
    lines: () => n,
  };
}
