import type { ConsoleView } from './console-view.js';
import { PROMPT, renderBlock, renderChanges } from './render-transcript.js';
import { type AnswerBlock, addMessage, addReply, emptyBlock, updateMessage } from './transcript.js';

/**
 * Output that is not a terminal (a pipe, CI, a file): each block is printed once, when its command is done, with
 * every message in its final form and its thread under it, so the transcript reads like the channel. A block that
 * continues (a confirmed plan runs) prints what is new under a label of its own.
 */
export function createPipeView(write: (text: string) => void): ConsoleView {
  const blocks = new Map<string, { now: AnswerBlock; printed?: AnswerBlock; label: string }>();
  const loose = (channel: string) => {
    const b = { now: emptyBlock(channel), label: '' };
    blocks.set(channel, b);
    return b;
  };
  const block = (channel: string) => blocks.get(channel) ?? loose(channel);
  const print = (lines: string[]) => lines.length > 0 && write(`${lines.join('\n')}\n`);
  const flush = (channel: string) => {
    const b = blocks.get(channel);
    if (!b) return;
    const label = b.label ? [`${PROMPT}${b.label}`] : [];
    print(
      b.printed ? [...label, ...renderChanges(b.printed, b.now)] : renderBlock({ ...b.now, label: b.label }),
    );
    b.printed = b.now;
  };
  return {
    terminal: false,
    open(channel, label) {
      const b = blocks.get(channel);
      if (b) b.label = label;
      else blocks.set(channel, { now: emptyBlock(channel), label });
    },
    post(channel, ts, text) {
      const b = block(channel);
      b.now = addMessage(b.now, ts, text);
      if (!b.label) flush(channel); // no command waits for it (an alert): shown as it comes
    },
    update(channel, ts, text) {
      const b = block(channel);
      b.now = updateMessage(b.now, ts, text);
      if (!b.label) flush(channel);
    },
    reply(channel, threadTs, text) {
      const b = block(channel);
      b.now = addReply(b.now, threadTs, text);
      if (!b.label) flush(channel);
    },
    close: flush,
    note: (text) => write(`${text}\n`),
    ask: (question) => write(question),
    answered: (answer) => write(`${answer}\n`),
    end() {
      // whatever came after a block was shown (a late thread reply) is shown now, under its command again
      for (const [channel, b] of blocks) if (b.printed !== b.now) flush(channel);
    },
  };
}
