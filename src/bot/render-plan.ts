import type { KnownBlock } from '@slack/types';
import type { ChatMessage } from '../chat/message.js';

export const CONFIRM_ACTION = 'labops_confirm';
export const CANCEL_ACTION = 'labops_cancel';

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
const blocksOf = (m: ChatMessage): KnownBlock[] => m.blocks ?? [section(m.text)];

/** The plan with Confirm (behind Slack's confirmation dialog) and Cancel. Slack allows 50 blocks. */
export function withConfirmButtons(
  plan: ChatMessage,
  planId: string,
  command: string,
  ttlMinutes: number,
  /** Who may confirm it (a labops with LAB_POLICY); else an admin. */
  whoConfirms = 'Nothing changes until an admin confirms.',
): ChatMessage {
  const blocks = blocksOf(plan).slice(0, 47);
  blocks.push(context(`${whoConfirms} This plan expires in ${ttlMinutes} minutes.`), {
    type: 'actions',
    block_id: 'labops_plan',
    elements: [
      {
        type: 'button',
        action_id: CONFIRM_ACTION,
        text: { type: 'plain_text', text: 'Confirm' },
        style: 'primary',
        value: planId,
        confirm: {
          title: { type: 'plain_text', text: 'Change the lab?' },
          text: { type: 'mrkdwn', text: `Run \`${command}\` as planned above?` },
          confirm: { type: 'plain_text', text: 'Run it' },
          deny: { type: 'plain_text', text: 'Not yet' },
        },
      },
      {
        type: 'button',
        action_id: CANCEL_ACTION,
        text: { type: 'plain_text', text: 'Cancel' },
        value: planId,
      },
    ],
  });
  const who = whoConfirms.startsWith('Nothing changes until an admin') ? '' : ` ${whoConfirms}`;
  return { text: `${plan.text}\n(Confirm or Cancel; expires in ${ttlMinutes} minutes)${who}`, blocks };
}

/** The plan again, with what became of it instead of the buttons. */
export function withOutcome(plan: ChatMessage, outcome: string): ChatMessage {
  return { text: `${plan.text}\n${outcome}`, blocks: [...blocksOf(plan).slice(0, 49), context(outcome)] };
}

export function renderPlanning(command: string, label: string, hosts: number): ChatMessage {
  const text = `📝 \`${command}\` on ${label}: looking at ${hosts} host${hosts === 1 ? '' : 's'} to plan the change…`;
  return { text, blocks: [section(text)] };
}

export function renderRunning(command: string, by: string): ChatMessage {
  const text = `⏳ Running \`${command}\` (confirmed by ${by})…`;
  return { text, blocks: [section(text)] };
}
