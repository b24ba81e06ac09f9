import type { AnswerBlock, TranscriptMessage } from './transcript.js';

/** How the console labels an answer block: the command as it was typed, after the prompt. */
export const PROMPT = 'lab> ';

/** Thread replies sit under their message, indented with a bar, as Slack shows a thread beside it. */
export function indentReply(text: string): string[] {
  return text.split('\n').map((l) => `  │ ${l}`);
}

export function renderMessage(m: TranscriptMessage): string[] {
  return [...m.text.split('\n'), ...m.replies.flatMap(indentReply)];
}

/** A block as a transcript shows it: the typed command, then each message in its final form with its thread. */
export function renderBlock(block: AnswerBlock): string[] {
  return [...(block.label ? [`${PROMPT}${block.label}`] : []), ...block.messages.flatMap(renderMessage)];
}

/**
 * What a pipe prints of a block it already printed once (`before`): new messages in full; of a message that
 * changed, the lines from where it first differs (a plan that gets "✅ Confirmed" shows just that line).
 */
export function renderChanges(before: AnswerBlock, after: AnswerBlock): string[] {
  const old = new Map(before.messages.map((m) => [m.ts, renderMessage(m)]));
  return after.messages.flatMap((m) => {
    const lines = renderMessage(m);
    const shown = old.get(m.ts);
    if (!shown) return lines;
    let same = 0;
    while (same < shown.length && same < lines.length && shown[same] === lines[same]) same++;
    return lines.slice(same);
  });
}
