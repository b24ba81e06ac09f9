import { type InventoryHost, resolveTargets } from '../../inventory/index.js';
import { checkHost } from '../chrony/check-host.js';
import type { NtpHostStatus } from '../chrony/classify.js';
import { reportHostByHost } from '../report/host-by-host.js';
import { TargetPayload } from '../target-payload.js';
import { defineTask, type TaskContext } from '../task.js';
import { reportLargeCheck } from './large-check.js';
import { LARGE_CHECK_ABOVE } from './render-large-check.js';
import {
  countStates,
  renderNtpProgress,
  renderNtpSummary,
  renderSourcesThread,
} from './render-ntp-status.js';

type Check = (host: InventoryHost) => Promise<NtpHostStatus>;

/**
 * A large check's hosts: over LAB_NTP_SHARD_ABOVE with several workers, shared by the worker processes (this job
 * hands the hosts out and reports them as they are recorded); otherwise checked here, over this worker's pool.
 */
async function largeCheck(
  ctx: TaskContext<TargetPayload>,
  targets: { hosts: InventoryHost[] },
  report: (run: Check) => Promise<NtpHostStatus[]>,
): Promise<NtpHostStatus[]> {
  const shared = ctx.sharedNtpCheck;
  if (!shared || !(await shared.shares(targets.hosts.length)))
    return report((host) => checkHost(ctx.ssh, host, ctx.settings.drift, ctx.signal));
  const run = await shared.start(targets.hosts, ctx.signal);
  try {
    return await report((host) => run.statusOf(host.name));
  } finally {
    await run.end();
  }
}

/**
 * `/lab ntp status`: chronyc on every target host in parallel; one message filled in host by host, the raw tables
 * in its thread. Over LARGE_CHECK_ABOVE hosts: a summary, and the whole table as a file in the thread.
 */
export const ntpStatusTask = defineTask({
  name: 'ntp.status',
  payload: TargetPayload,
  async run(ctx) {
    const { payload, inventory, chat, files, log } = ctx;
    const started = Date.now();
    const targets = resolveTargets(inventory, payload.target);
    const total = targets.hosts.length;
    const done =
      total > LARGE_CHECK_ABOVE
        ? await largeCheck(ctx, targets, (run) =>
            reportLargeCheck({ chat, files, reply: payload.reply, log }, targets, run, started),
          )
        : await reportHostByHost(chat, payload.reply, {
            waves: [targets.hosts],
            run: (host) => checkHost(ctx.ssh, host, ctx.settings.drift, ctx.signal),
            progress: (snapshot) => renderNtpProgress(total, snapshot, targets.label),
            thread: renderSourcesThread,
            summary: (statuses) => renderNtpSummary(statuses, targets.label, Date.now() - started),
          });
    log.info({ hosts: total, states: countStates(done) }, 'ntp status done');
    const result = {
      target: targets.label,
      hosts: done.map(({ host, state, offsetSeconds, errorCode }) => ({
        host,
        state,
        offsetSeconds,
        errorCode,
      })),
    };
    // best effort: the App Home shows these states; the answer in the channel is what matters
    await ctx.ntpStates
      ?.record(result, Date.now())
      .catch((err: Error) => log.warn({ msg: err.message }, 'last NTP states not kept'));
    return result;
  },
});
