import { resolveTargets } from '../../inventory/index.js';
import { checkHost } from '../chrony/check-host.js';
import { reportHostByHost } from '../report/host-by-host.js';
import { TargetPayload } from '../target-payload.js';
import { defineTask } from '../task.js';
import {
  countStates,
  renderNtpProgress,
  renderNtpSummary,
  renderSourcesThread,
} from './render-ntp-status.js';

/** `/lab ntp status`: chronyc on every target host in parallel; one message filled in host by host. */
export const ntpStatusTask = defineTask({
  name: 'ntp.status',
  payload: TargetPayload,
  async run({ payload, inventory, ssh, chat, signal, settings, log, ntpStates }) {
    const started = Date.now();
    const targets = resolveTargets(inventory, payload.target);
    const total = targets.hosts.length;
    const done = await reportHostByHost(chat, payload.reply, {
      waves: [targets.hosts],
      run: (host) => checkHost(ssh, host, settings.drift, signal),
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
