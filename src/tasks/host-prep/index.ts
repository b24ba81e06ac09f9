import { z } from 'zod';
import { createThrottle } from '../../chat/throttle.js';
import { resolveTargets } from '../../inventory/index.js';
import { ReplyTarget, TargetName } from '../reply-target.js';
import { defineTask } from '../task.js';
import { inspectPrepHost, type PrepResult, prepHost } from './prep-host.js';
import {
  prepWillChange,
  renderPrepPlan,
  renderPrepProgress,
  renderPrepSummary,
  renderPrepThread,
} from './render-host-prep.js';

export const HostPrepPayload = z.object({
  target: TargetName.optional(),
  reply: ReplyTarget,
});
export type HostPrepPayload = z.infer<typeof HostPrepPayload>;

const UPDATE_INTERVAL_MS = 1000;

/**
 * `/lab host prep <target>`: SELinux to permissive now (setenforce 0) and after a reboot (SELINUX=permissive in
 * /etc/selinux/config, edited by key), as OpenStack lab installers expect; getenforce before and after.
 */
export const hostPrepTask = defineTask({
  name: 'host.prep',
  payload: HostPrepPayload,
  async plan({ payload, inventory, ssh, signal }) {
    const targets = resolveTargets(inventory, payload.target);
    const inspections = await Promise.all(targets.hosts.map((h) => inspectPrepHost(ssh, h, signal)));
    return {
      message: renderPrepPlan(targets.label, inspections),
      hosts: targets.hosts.map((h) => h.name),
      empty: !inspections.some(prepWillChange),
    };
  },
  async run({ payload, inventory, ssh, chat, signal, log }) {
    const targets = resolveTargets(inventory, payload.target);
    const { channel } = payload.reply;
    const total = targets.hosts.length;
    const ts =
      payload.reply.messageTs ?? (await chat.post(channel, renderPrepProgress(targets.label, total, []))).ts;
    const done: PrepResult[] = [];
    const progress = createThrottle(
      (snapshot: PrepResult[]) =>
        chat.update(channel, ts, renderPrepProgress(targets.label, total, snapshot)),
      UPDATE_INTERVAL_MS,
    );
    await Promise.all(
      targets.hosts.map(async (host) => {
        done.push(await prepHost(ssh, host, signal));
        progress.push([...done]);
      }),
    );
    progress.cancel();
    await progress.flush();
    for (const message of renderPrepThread(done)) await chat.reply(channel, ts, message);
    await chat.update(channel, ts, renderPrepSummary(targets.label, done));
    log.info({ hosts: total, outcomes: done.map((r) => [r.host, r.outcome]) }, 'host prep done');
    return {
      target: targets.label,
      hosts: done.map(({ host, outcome, before, after }) => ({ host, outcome, before, after })),
    };
  },
});
