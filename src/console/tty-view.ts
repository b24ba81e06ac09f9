import type { Interface } from 'node:readline';
import type { ConsoleView } from './console-view.js';
import { eraseRows, fitLive } from './live-region.js';
import { PROMPT, renderBlock, renderChanges } from './render-transcript.js';
import { type AnswerBlock, addMessage, addReply, emptyBlock, updateMessage } from './transcript.js';

export interface TtyScreen {
  write(text: string): void;
  columns(): number;
  rows(): number;
}

/** Redraws at most this often: a packstack checklist updates faster than anyone reads. */
const REDRAW_MS = 50;

/**
 * A terminal: blocks still running are drawn at the bottom and redrawn in place as labops updates them (one row a
 * line, cut to the width); a block that is done is printed once in full above them and never redrawn. The prompt
 * (readline, when input is a terminal too) stays under the running blocks.
 */
export function createTtyView(screen: TtyScreen): ConsoleView {
  const running = new Map<string, AnswerBlock>();
  /** What a block showed when it was done: a block that continues (a confirmed plan runs) shows what is new. */
  const shown = new Map<string, AnswerBlock>();
  const render = (b: AnswerBlock) => {
    const before = shown.get(b.channel);
    if (!before) return renderBlock(b);
    return [...(b.label ? [`${PROMPT}${b.label}`] : []), ...renderChanges(before, b)];
  };
  let done: string[] = [];
  let rowsUp = 0; // rows between the first live row and the cursor
  let rl: Interface | undefined;
  let prompt = PROMPT;
  let timer: NodeJS.Timeout | undefined;

  const draw = () => {
    timer = undefined;
    const live = fitLive([...running.values()].flatMap(render), screen.columns(), screen.rows());
    const cursorRow = rl ? rl.getCursorPos().rows : 0;
    let out = eraseRows(rowsUp + cursorRow);
    if (done.length > 0) out += `${done.join('\n')}\n`;
    if (live.length > 0) out += `${live.join('\n')}\n`;
    done = [];
    screen.write(out);
    rowsUp = live.length;
    rl?.setPrompt(prompt);
    rl?.prompt(true);
  };
  const later = () => {
    timer ??= setTimeout(draw, REDRAW_MS);
  };
  const change = (channel: string, f: (b: AnswerBlock) => AnswerBlock) => {
    const b = running.get(channel);
    if (b) running.set(channel, f(b));
    else done.push(...renderBlock(f(emptyBlock(channel)))); // no command waits for it (an alert)
    later();
  };
  return {
    terminal: true,
    open(channel, label) {
      running.set(channel, { ...(shown.get(channel) ?? emptyBlock(channel)), label });
      later();
    },
    post: (channel, ts, text) => change(channel, (b) => addMessage(b, ts, text)),
    update: (channel, ts, text) => change(channel, (b) => updateMessage(b, ts, text)),
    reply: (channel, threadTs, text) => change(channel, (b) => addReply(b, threadTs, text)),
    close(channel) {
      const b = running.get(channel);
      if (!b) return;
      running.delete(channel);
      done.push(...render(b));
      shown.set(channel, b);
      later();
    },
    note(text) {
      done.push(text);
      later();
    },
    ask(question) {
      prompt = question;
      if (!rl) done.push(question);
      later();
    },
    answered() {
      prompt = PROMPT;
      later();
    },
    attach(readline) {
      rl = readline;
      rl.setPrompt(prompt);
      rl.on('close', () => {
        rl = undefined; // Ctrl-D: nothing more to prompt for
      });
      // readline ends the typed line with a newline: the cursor is one row (more, if it wrapped) further down
      rl.on('line', (line) => {
        rowsUp += 1 + Math.floor((prompt.length + line.length) / Math.max(1, screen.columns()));
      });
      later();
    },
    end() {
      clearTimeout(timer);
      for (const channel of [...running.keys()]) this.close(channel);
      rl = undefined;
      draw();
    },
  };
}
