import { escapeMrkdwn } from '../../chat/mrkdwn.js';

const FENCE = '```';

/** The first lines of text that fit in maxChars, and how many lines were left out. */
function head(text: string, maxChars: number): { lines: string[]; omitted: number } {
  const all = text.replace(/\n$/, '').split('\n');
  const lines: string[] = [];
  let used = 0;
  for (const line of all) {
    const cost = escapeMrkdwn(line).length + 1;
    if (used + cost > maxChars) break;
    lines.push(line);
    used += cost;
  }
  return { lines, omitted: all.length - lines.length };
}

/**
 * A diff (or any file text) as a Slack code block of at most about maxChars, cut at a line with a note of what
 * was left out; the plain twin is the same lines without markup.
 */
export function codeBlock(text: string, maxChars: number): { mrkdwn: string; plain: string } {
  const { lines, omitted } = head(text, Math.max(100, maxChars - 60));
  const more = omitted > 0 ? `\n… ${omitted} more line${omitted === 1 ? '' : 's'}` : '';
  // a fence inside the text would end the code block early
  const body = escapeMrkdwn(lines.join('\n')).replaceAll(FENCE, "'''");
  return { mrkdwn: `${FENCE}\n${body}${more}\n${FENCE}`, plain: `${lines.join('\n')}${more}` };
}
