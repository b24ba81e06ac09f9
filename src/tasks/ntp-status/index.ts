import { type InventoryHost, resolveTargets } from '../../inventory/index.js';
import { checkHost } from '../chrony/check-host.js';
import { reportHostByHost } from '../report/host-by-host.js';
import { TargetPayload } from '../target-payload.js';
import { defineTask } from '../task.js';
import { reportLargeCheck } from './large-check.js';
import { LARGE_CHECK_ABOVE } from './render-large-check.js';
import {
  countStates,
  renderNtpProgress,
  renderNtpSummary,
  renderSourcesThread,
} from './render-ntp-status.js';

/**
 * `/lab ntp status`: chronyc on every target host in parallel; one message filled in host by host, the raw tables
 * in its thread. Over LARGE_CHECK_ABOVE hosts: a summary, and the whole table as a file in the thread.
 */
export const ntpStatusTask = defineTask({
  name: 'ntp.status',
  payload: TargetPayload,
  async run({ payload, inventory, ssh, chat, files, signal, settings, log, ntpStates }) {
    const started = Date.now();
    const targets = resolveTargets(inventory, payload.target);
    const total = targets.hosts.length;
    const run = (host: InventoryHost) => checkHost(ssh, host, settings.drift, signal);
    const done =
      total > LARGE_CHECK_ABOVE
        ? await reportLargeCheck({ chat, files, reply: payload.reply, log }, targets, run, started)
        : await reportHostByHost(chat, payload.reply, {
            waves: [targets.hosts],
            run,
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
    await ntpStates
      ?.record(result, Date.now())
      .catch((err: Error) => log.warn({ msg: err.message }, 'last NTP states not kept'));
    return result;
  },
});
