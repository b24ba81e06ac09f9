import type { Interface } from 'node:readline';

/**
 * Where the console adapter shows the channel: one block of answers per typed command (its own console channel),
 * fed by the console ChatSink. A pipe prints each block once, when it is done; a terminal redraws it in place.
 */
export interface ConsoleView {
  /** A typed command starts a block of answers on `channel`. */
  open(channel: string, label: string): void;
  post(channel: string, ts: string, text: string): void;
  update(channel: string, ts: string, text: string): void;
  reply(channel: string, threadTs: string, text: string): void;
  /** The block's answers are complete: it is shown in its final form. */
  close(channel: string): void;
  /** A line that belongs to no block (a hint for a line that is not a command). */
  note(text: string): void;
  /** Asks a question; the next input line answers it. */
  ask(question: string): void;
  /** The answer read; a pipe shows it after the question so the transcript reads as typed. */
  answered(answer: string): void;
  /** A terminal view reads input with readline's line editing and its prompt. */
  attach?(rl: Interface): void;
  readonly terminal: boolean;
  /** End of the session: what is still drawn is shown once more in full. */
  end(): void;
}
