import { resolveTargets } from '../../inventory/index.js';
import { reportHostByHost } from '../report/host-by-host.js';
import { TargetPayload } from '../target-payload.js';
import { defineTask } from '../task.js';
import { inspectPrepHost, prepHost } from './prep-host.js';
import {
  prepWillChange,
  renderPrepPlan,
  renderPrepProgress,
  renderPrepSummary,
  renderPrepThread,
} from './render-host-prep.js';

/**
 * `/lab host prep <target>`: SELinux to permissive now (setenforce 0) and after a reboot (SELINUX=permissive in
 * /etc/selinux/config, edited by key), as OpenStack lab installers expect; getenforce before and after.
 */
export const hostPrepTask = defineTask({
  name: 'host.prep',
  payload: TargetPayload,
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
    const total = targets.hosts.length;
    const done = await reportHostByHost(chat, payload.reply, {
      waves: [targets.hosts],
      run: (host) => prepHost(ssh, host, signal),
      progress: (snapshot) => renderPrepProgress(targets.label, total, snapshot),
      thread: renderPrepThread,
      summary: (results) => renderPrepSummary(targets.label, results),
    });
    log.info({ hosts: total, outcomes: done.map((r) => [r.host, r.outcome]) }, 'host prep done');
    return {
      target: targets.label,
      hosts: done.map(({ host, outcome, before, after }) => ({ host, outcome, before, after })),
    };
  },
});
