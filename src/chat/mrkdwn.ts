/** Plain text for the console and Slack's fallback, or Slack mrkdwn. */
export type TextStyle = 'plain' | 'mrkdwn';

/** Slack mrkdwn treats &, < and > as control characters: escape anything that came from a host. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
