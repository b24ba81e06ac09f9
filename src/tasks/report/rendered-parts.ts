/** One section's text in Slack mrkdwn and as plain text (console, notification fallback). */
export interface Rendered {
  mrkdwn: string;
  plain: string;
  /** Shown as a header block (plain text) rather than a section. */
  header?: boolean;
}

/**
 * Keeps whole groups (one host's sections), in order, while they fit `blocks` sections and `chars` characters of
 * mrkdwn; says how many groups were left out.
 */
export function takeWithinLimits(
  groups: readonly Rendered[][],
  limits: { blocks: number; chars: number },
): { kept: Rendered[][]; left: number } {
  const kept: Rendered[][] = [];
  let blocks = 0;
  let chars = 0;
  for (const group of groups) {
    const size = group.reduce((n, p) => n + p.mrkdwn.length, 0);
    if (blocks + group.length > limits.blocks || chars + size > limits.chars) break;
    kept.push(group);
    blocks += group.length;
    chars += size;
  }
  return { kept, left: groups.length - kept.length };
}

/**
 * Splits groups into as few messages as Slack's limits allow (a group never split); for thread replies.
 * A group bigger than a whole message still gets a message of its own. `charsOf`: what Slack counts of a part
 * (by default a Rendered part's mrkdwn).
 */
export function packIntoMessages<T = Rendered>(
  groups: readonly (readonly T[])[],
  limits: { blocks: number; chars: number },
  charsOf: (part: T) => number = (part) => (part as Rendered).mrkdwn.length,
): T[][] {
  const messages: T[][] = [];
  let current: T[] = [];
  let chars = 0;
  for (const group of groups) {
    const size = group.reduce((n, p) => n + charsOf(p), 0);
    if (
      current.length > 0 &&
      (current.length + group.length > limits.blocks || chars + size > limits.chars)
    ) {
      messages.push(current);
      current = [];
      chars = 0;
    }
    current.push(...group);
    chars += size;
  }
  if (current.length > 0) messages.push(current);
  return messages;
}
