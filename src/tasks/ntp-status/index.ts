import { z } from 'zod';
import { createThrottle } from '../../chat/throttle.js';
import { resolveTargets } from '../../inventory/index.js';
import { ReplyTarget, TargetName } from '../reply-target.js';
import { defineTask } from '../task.js';
import { checkHost } from './check-host.js';
import type { NtpHostStatus } from './classify.js';
import {
  countStates,
  renderNtpProgress,
  renderNtpSummary,
  renderSourcesThread,
} from './render-ntp-status.js';

export const NtpStatusPayload = z.object({
  target: TargetName.optional(),
  reply: ReplyTarget,
});
export type NtpStatusPayload = z.infer<typeof NtpStatusPayload>;

/** Slack's chat.update tier allows about one update a second per message. */
const UPDATE_INTERVAL_MS = 1000;

/** `/lab ntp status`: chronyc on every target host in parallel; one message filled in host by host. */
export const ntpStatusTask = defineTask({
  name: 'ntp.status',
  payload: NtpStatusPayload,
  async run({ payload, inventory, ssh, chat, signal, settings, log }) {
    const started = Date.now();
    const targets = resolveTargets(inventory, payload.target);
    const { channel } = payload.reply;
    const total = targets.hosts.length;
    const ts =
      payload.reply.messageTs ?? (await chat.post(channel, renderNtpProgress(total, [], targets.label))).ts;

    const done: NtpHostStatus[] = [];
    const progress = createThrottle((snapshot: NtpHostStatus[]) => {
      return chat.update(channel, ts, renderNtpProgress(total, snapshot, targets.label));
    }, UPDATE_INTERVAL_MS);
    await Promise.all(
      targets.hosts.map(async (host) => {
        const status = await checkHost(ssh, host, settings.drift, signal);
        done.push(status);
        if (done.length < total) progress.push([...done]);
      }),
    );
    progress.cancel();
    await progress.flush();

    // thread first, summary last: once the summary shows, everything it points to is there
    for (const message of renderSourcesThread(done)) await chat.reply(channel, ts, message);
    await chat.update(channel, ts, renderNtpSummary(done, targets.label, Date.now() - started));
    log.info({ hosts: total, states: countStates(done) }, 'ntp status done');
    return {
      target: targets.label,
      hosts: done.map(({ host, state, offsetSeconds, errorCode }) => ({
        host,
        state,
        offsetSeconds,
        errorCode,
      })),
    };
  },
});
