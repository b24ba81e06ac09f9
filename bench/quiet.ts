import { cpuMs, machineBusyMs } from './cpu.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface QuietGate {
  /**
   * Waits until the rest of the machine (everything but this process, its descendants and `alsoMatching`)
   * used under `maxCores` over a `windowMs` window: at most `timeoutMs`, and at most `budgetMs` over all waits
   * (so a machine that never quietens costs a bounded time). False when it gave up.
   */
  wait(): Promise<boolean>;
  /** How many waits found the machine quiet, and how many gave up. */
  counts(): { quiet: number; busy: number };
}

/** Other people's work on a shared machine would inflate one tool's runs and not another's: wait it out. */
export function quietGate(
  opts: {
    alsoMatching?: string;
    windowMs?: number;
    maxCores?: number;
    timeoutMs?: number;
    budgetMs?: number;
  } = {},
): QuietGate {
  const { windowMs = 500, maxCores = 0.3, timeoutMs = 10_000 } = opts;
  let budget = opts.budgetMs ?? 90_000;
  const ours = () => cpuMs([process.pid], opts.alsoMatching);
  let quiet = 0;
  let busy = 0;
  return {
    async wait() {
      const started = Date.now();
      const end = started + Math.min(timeoutMs, Math.max(windowMs, budget));
      for (let first = true; first || Date.now() < end; first = false) {
        const before = { busy: machineBusyMs(), ours: ours() };
        await sleep(windowMs);
        const other = machineBusyMs() - before.busy - (ours() - before.ours);
        if (other < maxCores * windowMs) {
          quiet++;
          budget -= Date.now() - started;
          return true;
        }
      }
      busy++;
      budget -= Date.now() - started;
      return false;
    },
    counts: () => ({ quiet, busy }),
  };
}
