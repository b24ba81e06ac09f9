import type { ChatMessage } from '../chat/message.js';
import { COMMANDS } from '../commands/index.js';

export function renderHelp(): ChatMessage {
  const lines = [
    '*labops* runs lab chores on the lab hosts and answers here.',
    ...COMMANDS.map((c) => `• \`${c.usage}\`: ${c.summary}`),
    '• `/lab help`: this list',
  ];
  const text = lines.join('\n');
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
