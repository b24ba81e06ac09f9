import type { ConsoleView } from './console-view.js';
import { createPipeView } from './pipe-view.js';
import { createTtyView } from './tty-view.js';

export interface ConsoleOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

/** A terminal redraws running answers in place; anything else (a pipe, a file, a test) gets the transcript. */
export function createConsoleView(out: ConsoleOutput): ConsoleView {
  const write = (t: string) => void out.write(t);
  if (out.isTTY !== true) return createPipeView(write);
  // a terminal of size 0 (a pty nobody sized) is taken as 80x24
  return createTtyView({ write, columns: () => out.columns || 80, rows: () => out.rows || 24 });
}
