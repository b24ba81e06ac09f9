import { UserInputError } from '../../errors.js';
import type { InventoryHost } from '../../inventory/index.js';
import { reportHostByHost } from '../report/host-by-host.js';
import { TargetPayload } from '../target-payload.js';
import { defineTask, type TaskContext } from '../task.js';
import { verifyCephAfterSetup } from './ceph-after-setup.js';
import { inspectNtpHost } from './inspect-ntp-host.js';
import { ntpRole, ntpTargets } from './ntp-targets.js';
import { renderNtpPlan, willChange } from './render-ntp-plan.js';
import { renderSetupProgress, renderSetupSummary, renderSetupThread } from './render-ntp-setup.js';
import { type NtpHostResult, setupNtpHost } from './setup-ntp-host.js';

type Ctx = TaskContext<TargetPayload>;

/** One host, never throwing: an unexpected error is that host's failure (and logged). */
async function setupOne(ctx: Ctx, host: InventoryHost): Promise<NtpHostResult> {
  try {
    return await setupNtpHost(ctx.ssh, ctx.inventory, host, {
      thresholds: ctx.settings.drift,
      signal: ctx.signal,
    });
  } catch (err) {
    ctx.log.error({ host: host.name, err }, 'ntp setup failed unexpectedly');
    return {
      host: host.name,
      role: ntpRole(host),
      outcome: 'failed',
      done: [],
      notes: [],
      failure: {
        message: `labops failed: ${(err as Error).message}`,
        hint: 'See the worker log; try again.',
      },
    };
  }
}

/**
 * `/lab ntp setup` (and `/lab ntp plan`): chrony.conf from the inventory as the runbook writes it, UDP 123 open in
 * firewalld on time servers, chronyd enabled and restarted where that changes anything, then a check that each
 * host keeps time. Time servers first, then clients.
 */
export const ntpSetupTask = defineTask({
  name: 'ntp.setup',
  payload: TargetPayload,
  async plan({ payload, inventory, ssh, signal }) {
    let targets: ReturnType<typeof ntpTargets>;
    try {
      targets = ntpTargets(inventory, payload.target);
    } catch (err) {
      if (err instanceof UserInputError)
        return { message: { text: err.message }, hosts: [], empty: true, emptyNote: 'Nothing was changed.' };
      throw err;
    }
    const inspections = await Promise.all(
      targets.hosts.map((h) => inspectNtpHost(ssh, inventory, h, signal)),
    );
    return {
      message: renderNtpPlan(targets.label, inspections),
      hosts: targets.hosts.map((h) => h.name),
      empty: !inspections.some(willChange),
    };
  },
  async run(ctx) {
    const { payload, inventory, chat, log } = ctx;
    const started = Date.now();
    const targets = ntpTargets(inventory, payload.target);
    const total = targets.hosts.length;
    const done = await reportHostByHost(chat, payload.reply, {
      // clients are checked for a selected source, so their time servers must be up first
      waves: [
        targets.hosts.filter((h) => ntpRole(h) === 'server'),
        targets.hosts.filter((h) => ntpRole(h) !== 'server'),
      ],
      run: (host) => setupOne(ctx, host),
      progress: (snapshot) => renderSetupProgress(targets.label, total, snapshot),
      thread: renderSetupThread,
      summary: (results) => renderSetupSummary(targets.label, results, Date.now() - started),
      showStart: true,
    });
    const ceph = await verifyCephAfterSetup(
      ctx,
      done,
      renderSetupSummary(targets.label, done, Date.now() - started),
    );
    log.info(
      { hosts: total, outcomes: done.map((r) => [r.host, r.outcome]), ceph: ceph?.kind },
      'ntp setup done',
    );
    return {
      target: targets.label,
      ...(ceph && { ceph: ceph.kind }),
      hosts: done.map(({ host, outcome, done: steps, failure, status }) => ({
        host,
        outcome,
        done: steps,
        failure: failure?.message,
        state: status?.state,
      })),
    };
  },
});
