import type { KnownBlock } from '@slack/types';
import { LIMITS, section } from '../chat/blocks.js';
import type { ChatMessage } from '../chat/message.js';
import { CANCEL_JOB_ACTION } from './render-jobs.js';

/** The running job a progress message belongs to. */
export interface RunningJob {
  jobId: string;
  command: string;
  /** Slack user id of whoever started it, when known. */
  user?: string;
}

const clean = (s: string) => s.replace(/[`<>&]/g, ' ');

/**
 * A running job's progress message with its id and a Cancel button underneath. The button is the one of
 * `/lab jobs` (same action, same cancel path), so who may use it is checked on click: its requester or an admin.
 */
export function withCancelBar(message: ChatMessage, job: RunningJob): ChatMessage {
  // no room (or a long text-only message a section would cut): the message matters more than the button
  if (!message.blocks && message.text.length > LIMITS.sectionChars) return message;
  const body = message.blocks ?? [section(message.text)];
  if (body.length > LIMITS.blocks - 1) return message;
  const who = job.user ? `<@${job.user}> or a lab admin` : 'its requester or a lab admin';
  const bar: KnownBlock = {
    type: 'actions',
    block_id: `labops_job_${job.jobId}`,
    elements: [
      {
        type: 'button',
        action_id: CANCEL_JOB_ACTION,
        text: { type: 'plain_text', text: `Cancel job ${job.jobId}` },
        style: 'danger',
        value: job.jobId,
        confirm: {
          title: { type: 'plain_text', text: 'Cancel this job?' },
          text: {
            type: 'mrkdwn',
            text: `Stop \`${clean(job.command)}\`? Its remote commands are killed. Only ${who} may.`,
          },
          confirm: { type: 'plain_text', text: 'Stop it' },
          deny: { type: 'plain_text', text: 'Keep it running' },
        },
      },
    ],
  };
  return { text: message.text, blocks: [...body, bar] };
}
