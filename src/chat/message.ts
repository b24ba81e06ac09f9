import type { KnownBlock } from '@slack/types';

/** What a renderer produces: Block Kit for Slack, and the same content as plain text (fallback and console). */
export interface ChatMessage {
  text: string;
  blocks?: KnownBlock[];
}
