/** What packstack's console output has said so far, step by step. */
export interface PackstackProgress {
  /** Steps in the order they finished, with packstack's word for how ("DONE", "ERROR", "SKIPPED"). */
  steps: { title: string; result: string }[];
  /** The manifest being applied ("Applying 10.0.0.100_controller.pp"). */
  applying?: string;
  /** The `ERROR : …` lines and the Puppet errors right after them. */
  errors: string[];
  setupLog?: string;
  /** The per-manifest log packstack points to on a failed Puppet run, or the manifests directory. */
  manifestLog?: string;
  manifestsDir?: string;
  /** The answer file packstack saved (on failure it names it). */
  savedAnswers?: string;
  succeeded: boolean;
}

export const emptyProgress = (): PackstackProgress => ({ steps: [], errors: [], succeeded: false });

// packstack colours its step words even without a terminal: "\x1b[32mDONE\x1b[0m"
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are what is stripped
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

/** A line without ANSI colour codes and without the \r-overwritten parts a TTY would show. */
export function plainLine(line: string): string {
  const noAnsi = line.replace(ANSI, '');
  const parts = noAnsi.split('\r').filter((p) => p !== '');
  return (parts[parts.length - 1] ?? '').trimEnd();
}

const STEP = /^(.*?)\s*\[\s*([A-Z]+)\s*\]$/;
const PATH = '(\\/\\S+?)';

/**
 * The progress after one more line of output (pure: returns a new object). Reads packstack's step lines
 * ("Clean Up   [ DONE ]"), the manifest lines, ERROR lines and the log paths.
 */
export function readLine(p: PackstackProgress, raw: string): PackstackProgress {
  const line = plainLine(raw);
  const step = STEP.exec(line);
  if (step?.[1] && step[2]) {
    // "10.0.0.100_controller.pp:  [ DONE ]": the manifest title ends with a colon
    const title = step[1].replace(/:$/, '').trim();
    const applying = p.applying && title === p.applying ? undefined : p.applying;
    return { ...p, applying, steps: [...p.steps, { title, result: step[2] }] };
  }
  let m = /^Applying (\S+\.pp)$/.exec(line);
  if (m?.[1]) return { ...p, applying: m[1] };
  m = new RegExp(`installation log file is available at: ${PATH}\\s*$`).exec(line);
  if (m?.[1]) return { ...p, setupLog: m[1] };
  m = new RegExp(`Please check log file ${PATH} for more information`).exec(line);
  if (m?.[1]) return { ...p, setupLog: m[1] };
  m = new RegExp(`You will find full trace in log ${PATH}\\s*$`).exec(line);
  if (m?.[1]) return { ...p, manifestLog: m[1] };
  m = new RegExp(`generated manifests are available at: ${PATH}\\s*$`).exec(line);
  if (m?.[1]) return { ...p, manifestsDir: m[1] };
  m = new RegExp(`A new answerfile was created in: ${PATH}\\s*$`).exec(line);
  if (m?.[1]) return { ...p, savedAnswers: m[1] };
  if (/^ERROR\s*:/.test(line) || (p.errors.length > 0 && /^Error: /.test(line)))
    return { ...p, errors: [...p.errors, line] };
  if (/Installation completed successfully/.test(line)) return { ...p, succeeded: true };
  return p;
}

/** Everything at once, e.g. a whole captured output. */
export const readOutput = (text: string, from = emptyProgress()): PackstackProgress =>
  text.split('\n').reduce(readLine, from);

/** The step that failed: the first [ ERROR ], else the manifest being applied. */
export function failedStep(p: PackstackProgress): string | undefined {
  return p.steps.find((s) => s.result === 'ERROR')?.title ?? p.applying;
}

/**
 * Splits a stream into lines: feed chunks, get the complete lines; flush() gives the last partial one. A chunk may
 * end in the middle of a line or of a UTF-8 character (the caller decodes with a streaming decoder).
 */
export function createLineSplitter() {
  let rest = '';
  return {
    push(chunk: string): string[] {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      return lines;
    },
    flush(): string[] {
      const last = rest;
      rest = '';
      return last === '' ? [] : [last];
    },
  };
}
