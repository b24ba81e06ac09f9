import type { KnownBlock } from '@slack/types';
import { cut, LIMITS } from '../chat/blocks.js';
import type { ChatMessage } from '../chat/message.js';
import type { JobState, JobSummary } from './job-summary.js';

export const CANCEL_JOB_ACTION = 'labops_cancel_job';

const ICON: Record<JobState, string> = { running: '⏳', waiting: '🕒', completed: '✅', failed: '❌' };

export function formatElapsed(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

const clean = (s: string) => s.replace(/[`<>&]/g, ' ');

function line(j: JobSummary, mention: (user: string) => string, mrkdwn: boolean): string {
  const who = j.user ? (mrkdwn ? mention(j.user) : j.user) : 'someone';
  const command = mrkdwn ? `\`${clean(j.command)}\`` : j.command;
  const why = j.reason ? `: ${cut(clean(j.reason), 300)}` : '';
  return `${ICON[j.state]} job ${j.id} ${command} by ${who} on ${cut(clean(j.targets), 200)}, ${j.state} ${formatElapsed(j.elapsedMs)}${why}`;
}

/**
 * `/lab jobs` for one viewer: live jobs first, each with a Cancel button when the viewer asked for it or is an
 * admin; then recent finished ones. Fits Slack's 50 blocks.
 */
export function renderJobs(
  jobs: readonly JobSummary[],
  viewer: { canCancel(job: JobSummary): boolean },
  mention: (user: string) => string,
): ChatMessage {
  if (jobs.length === 0) return { text: 'No jobs are running, waiting or recently finished.' };
  const live = jobs.filter((j) => j.state === 'running' || j.state === 'waiting');
  const done = jobs.filter((j) => j.state === 'completed' || j.state === 'failed');
  const blocks: KnownBlock[] = [];
  const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
  blocks.push(
    section(live.length ? `*Running and waiting jobs* (${live.length})` : '*No job is running or waiting.*'),
  );
  for (const j of live.slice(0, 30)) {
    const block = section(cut(line(j, mention, true), LIMITS.sectionChars));
    if (viewer.canCancel(j))
      (block as { accessory?: unknown }).accessory = {
        type: 'button',
        action_id: CANCEL_JOB_ACTION,
        text: { type: 'plain_text', text: 'Cancel' },
        style: 'danger',
        value: j.id,
        confirm: {
          title: { type: 'plain_text', text: 'Cancel this job?' },
          text: { type: 'mrkdwn', text: `Stop \`${clean(j.command)}\`? Its remote commands are killed.` },
          confirm: { type: 'plain_text', text: 'Stop it' },
          deny: { type: 'plain_text', text: 'Keep it running' },
        },
      };
    blocks.push(block);
  }
  if (done.length) {
    const text = done.map((j) => line(j, mention, true)).join('\n');
    blocks.push(section('*Recently finished*'), section(cut(text, LIMITS.sectionChars)));
  }
  const plain = [
    live.length ? `Running and waiting jobs (${live.length}):` : 'No job is running or waiting.',
    ...live.map((j) => line(j, mention, false)),
    ...(done.length ? ['Recently finished:', ...done.map((j) => line(j, mention, false))] : []),
    ...(live.length ? ['Stop one with /lab cancel <job>.'] : []),
  ].join('\n');
  return { text: plain, blocks: blocks.slice(0, LIMITS.blocks) };
}
