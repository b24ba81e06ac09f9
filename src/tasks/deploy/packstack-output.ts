import { cutLine, MAX_LINE_CHARS } from '../remote/long-lines.js';

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

/** Steps and error lines kept: packstack prints about 70 steps; a host printing more is not packstack. */
const MAX_STEPS = 1000;
const MAX_ERRORS = 100;

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

/**
 * "Clean Up   [ DONE ]" as title and result, read without a regex: `^(.*?)\s*\[\s*([A-Z]+)\s*\]$` backtracks
 * quadratically over a long run of spaces.
 */
function readStep(line: string): { title: string; result: string } | undefined {
  if (!line.endsWith(']')) return undefined;
  const open = line.lastIndexOf('[');
  const result = line.slice(open + 1, -1).trim();
  if (open < 0 || !/^[A-Z]+$/.test(result)) return undefined;
  return { title: line.slice(0, open).trimEnd(), result };
}

const PATH = '(\\/\\S+?)';

/**
 * The progress after one more line of output (pure: returns a new object). Reads packstack's step lines
 * ("Clean Up   [ DONE ]"), the manifest lines, ERROR lines and the log paths. A line longer than
 * MAX_LINE_CHARS is read as its first MAX_LINE_CHARS characters, so each line costs at most that much.
 */
export function readLine(p: PackstackProgress, raw: string): PackstackProgress {
  const line = plainLine(cutLine(raw));
  const step = readStep(line);
  if (step?.title) {
    if (p.steps.length >= MAX_STEPS) return p;
    // "10.0.0.100_controller.pp:  [ DONE ]": the manifest title ends with a colon
    const title = step.title.replace(/:$/, '').trim();
    const applying = p.applying && title === p.applying ? undefined : p.applying;
    return { ...p, applying, steps: [...p.steps, { title, result: step.result }] };
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
    return p.errors.length < MAX_ERRORS ? { ...p, errors: [...p.errors, line] } : p;
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
 * end in the middle of a line or of a UTF-8 character (the caller decodes with a streaming decoder). A line is
 * kept up to `maxLine` characters and the rest of it dropped, so a megabyte line costs no more than a short one.
 */
export function createLineSplitter(maxLine = MAX_LINE_CHARS) {
  let rest = '';
  const keep = (chunk: string, from: number, to: number) => {
    const room = maxLine - rest.length;
    if (room > 0) rest += chunk.slice(from, Math.min(to, from + room));
  };
  return {
    push(chunk: string): string[] {
      const lines: string[] = [];
      let from = 0;
      for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', from)) {
        keep(chunk, from, nl);
        lines.push(rest);
        rest = '';
        from = nl + 1;
      }
      keep(chunk, from, chunk.length);
      return lines;
    },
    flush(): string[] {
      const last = rest;
      rest = '';
      return last === '' ? [] : [last];
    },
  };
}
