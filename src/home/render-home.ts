import type { HomeView, KnownBlock } from '@slack/types';
import type { JobSummary } from '../jobs/job-summary.js';
import { formatElapsed } from '../jobs/render-jobs.js';
import type { LastNtpState } from './ntp-last-state.js';

const ICON: Record<LastNtpState['state'], string> = {
  ok: '✅',
  warning: '⚠️',
  critical: '🔴',
  unsynchronised: '🟠',
  error: '❌',
};
const WORDS: Record<LastNtpState['state'], string> = {
  ok: 'in sync',
  warning: 'drifting',
  critical: 'drifting (critical)',
  unsynchronised: 'not synchronised',
  error: 'could not be checked',
};

const clean = (s: string) => s.replace(/[`<>&*~]/g, ' ');

function hostLine(host: string, last: LastNtpState | undefined, now: number): string {
  if (!last) return `▫️ ${clean(host)}: not checked yet`;
  const offset =
    last.offsetSeconds === undefined ? '' : `, offset ${(last.offsetSeconds * 1000).toFixed(1)} ms`;
  const why = last.errorCode ? ` (${last.errorCode})` : '';
  return `${ICON[last.state]} ${clean(host)}: ${WORDS[last.state]}${why}${offset}, ${formatElapsed(now - last.at)} ago`;
}

/**
 * The App Home tab: every inventory group with its hosts' last NTP state (from the last `/lab ntp status`), and
 * the jobs running now. Slack allows 100 blocks in a home view; sections hold 3000 characters.
 */
export function renderHome(input: {
  groups: ReadonlyMap<string, readonly string[]>;
  last: ReadonlyMap<string, LastNtpState>;
  running: readonly JobSummary[];
  now: number;
  /** The drift watch's silences in force, one line each (scope, who, until, reason). */
  silences?: readonly string[];
  /** The header (default: the one lab's). */
  title?: string;
}): HomeView {
  const section = (text: string): KnownBlock => ({
    type: 'section',
    text: { type: 'mrkdwn', text: text.length > 3000 ? `${text.slice(0, 2999)}…` : text },
  });
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: input.title ?? 'labops: the lab at a glance' } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: 'Last `/lab ntp status` result per host. Run it again in a channel to refresh.',
        },
      ],
    },
  ];
  const groups = [...input.groups.entries()].filter(([name]) => name !== 'all' && name !== 'ungrouped');
  for (const [group, hosts] of groups.slice(0, 40)) {
    blocks.push(
      section(
        `*${clean(group)}* (${hosts.length})\n${hosts.map((h) => hostLine(h, input.last.get(h), input.now)).join('\n')}`,
      ),
    );
  }
  if (input.silences?.length)
    blocks.push(
      section(
        `*Silenced drift alerts* (${input.silences.length})\n${input.silences
          .slice(0, 20)
          .map((l) => `🔕 ${l}`)
          .join('\n')}`,
      ),
    );
  blocks.push({ type: 'divider' });
  const running = input.running.filter((j) => j.state === 'running' || j.state === 'waiting');
  blocks.push(
    section(
      running.length === 0
        ? '*Jobs*: none running.'
        : `*Jobs running or waiting* (${running.length})\n${running
            .slice(0, 20)
            .map(
              (j) =>
                `${j.state === 'running' ? '⏳' : '🕒'} job ${j.id} \`${clean(j.command)}\` on ${clean(j.targets)}, ${formatElapsed(j.elapsedMs)}`,
            )
            .join('\n')}`,
    ),
  );
  return { type: 'home', blocks: blocks.slice(0, 100) };
}
