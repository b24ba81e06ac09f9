import type { Logger } from '@slack/bolt';
import { LogLevel } from '@slack/bolt';

export interface TestLogger extends Logger {
  /** Everything logged at or above the current level, oldest first. */
  readonly lines: Array<{ level: LogLevel; msg: string }>;
  clear(): void;
}

/**
 * A Bolt/web-api/socket-mode compatible logger that keeps lines in memory instead of printing.
 * Pass it as `logger` to `App` / `WebClient` to keep test output quiet; set `LABOPS_TEST_LOG=1`
 * to also print them.
 */
export function createTestLogger(level: LogLevel = LogLevel.DEBUG): TestLogger {
  let current = level;
  let name = 'test';
  const order = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];
  const lines: Array<{ level: LogLevel; msg: string }> = [];
  const echo = process.env.LABOPS_TEST_LOG === '1';
  const log =
    (lvl: LogLevel) =>
    (...msg: unknown[]): void => {
      if (order.indexOf(lvl) < order.indexOf(current)) return;
      const text = msg
        .map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.stack : JSON.stringify(m)))
        .join(' ');
      lines.push({ level: lvl, msg: text });
      if (echo) process.stderr.write(`[${lvl}] ${name} ${text}\n`);
    };
  return {
    lines,
    clear: () => {
      lines.length = 0;
    },
    debug: log(LogLevel.DEBUG),
    info: log(LogLevel.INFO),
    warn: log(LogLevel.WARN),
    error: log(LogLevel.ERROR),
    setLevel: (l: LogLevel) => {
      current = l;
    },
    getLevel: () => current,
    setName: (n: string) => {
      name = n;
    },
  };
}
