import { z } from 'zod';
import { createThrottle } from '../../chat/throttle.js';
import { UserInputError } from '../../errors.js';
import type { InventoryHost } from '../../inventory/index.js';
import { ReplyTarget, TargetName } from '../reply-target.js';
import { defineTask, type TaskContext } from '../task.js';
import { inspectNtpHost } from './inspect-ntp-host.js';
import { ntpRole, ntpTargets } from './ntp-targets.js';
import { renderNtpPlan, willChange } from './render-ntp-plan.js';
import { renderSetupProgress, renderSetupSummary, renderSetupThread } from './render-ntp-setup.js';
import { type NtpHostResult, setupNtpHost } from './setup-ntp-host.js';

export const NtpSetupPayload = z.object({
  target: TargetName.optional(),
  reply: ReplyTarget,
});
export type NtpSetupPayload = z.infer<typeof NtpSetupPayload>;

/** Slack's chat.update tier allows about one update a second per message. */
const UPDATE_INTERVAL_MS = 1000;

type Ctx = TaskContext<NtpSetupPayload>;

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
  payload: NtpSetupPayload,
  async plan({ payload, inventory, ssh, signal }) {
    let targets: ReturnType<typeof ntpTargets>;
    try {
      targets = ntpTargets(inventory, payload.target);
    } catch (err) {
      if (err instanceof UserInputError) return { message: { text: err.message }, hosts: [], empty: true };
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
    const { channel } = payload.reply;
    const total = targets.hosts.length;
    const ts =
      payload.reply.messageTs ?? (await chat.post(channel, renderSetupProgress(targets.label, total, []))).ts;

    const done: NtpHostResult[] = [];
    const progress = createThrottle(
      (snapshot: NtpHostResult[]) =>
        chat.update(channel, ts, renderSetupProgress(targets.label, total, snapshot)),
      UPDATE_INTERVAL_MS,
    );
    progress.push([]);
    // clients are checked for a selected source, so their time servers must be up first
    const servers = targets.hosts.filter((h) => ntpRole(h) === 'server');
    const others = targets.hosts.filter((h) => ntpRole(h) !== 'server');
    for (const wave of [servers, others]) {
      await Promise.all(
        wave.map(async (host) => {
          done.push(await setupOne(ctx, host));
          progress.push([...done]);
        }),
      );
    }
    progress.cancel();
    await progress.flush();

    // thread first, summary last: once the summary shows, the diffs it points to are there
    for (const message of renderSetupThread(done)) await chat.reply(channel, ts, message);
    await chat.update(channel, ts, renderSetupSummary(targets.label, done, Date.now() - started));
    log.info({ hosts: total, outcomes: done.map((r) => [r.host, r.outcome]) }, 'ntp setup done');
    return {
      target: targets.label,
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
