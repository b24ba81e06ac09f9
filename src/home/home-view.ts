import type { HomeView } from '@slack/types';
import type { Queue } from 'bullmq';
import type { Inventory } from '../inventory/index.js';
import { listJobs } from '../jobs/list-jobs.js';
import { renderSilence } from '../watch/render-silences.js';
import type { SilenceStore } from '../watch/silence-store.js';
import type { NtpLastStates } from './ntp-last-state.js';
import { renderHome } from './render-home.js';

/** The App Home tab, read fresh from Redis each time a user opens it. */
export async function homeView(deps: {
  inventory: Inventory;
  last: Pick<NtpLastStates, 'all'>;
  queue: Pick<Queue, 'getJobs'>;
  silences?: Pick<SilenceStore, 'list'>;
  /** One lab of several (LAB_POLICY): its jobs only, and its name in the title. */
  lab?: string;
  now(): number;
}): Promise<HomeView> {
  const now = deps.now();
  const [last, jobs, silences] = await Promise.all([
    deps.last.all(),
    listJobs(deps.queue, now, { live: 20, recent: 1 }, deps.lab),
    deps.silences?.list() ?? [],
  ]);
  const lines = silences
    .filter((s) => s.until === undefined || s.until > now)
    .map((s) => renderSilence(s, (u) => `<@${u}>`, 'mrkdwn'));
  return renderHome({
    groups: deps.inventory.groups,
    last,
    running: jobs,
    now,
    silences: lines,
    ...(deps.lab && { title: `labops: lab ${deps.lab} at a glance` }),
  });
}
