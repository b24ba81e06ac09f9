import { FINAL } from '../../chat/sink.js';
import type { InventoryHost } from '../../inventory/index.js';
import { sentence, toFailure } from '../controller/failure.js';
import { onController, planOnController } from '../controller/on-controller.js';
import { openstackAction, openstackJson } from '../controller/run-openstack.js';
import { TargetPayload } from '../target-payload.js';
import { defineTask, type TaskContext } from '../task.js';
import { type DesiredNetworks, desiredNetworks } from './desired-networks.js';
import { type NetworkAction, planNetworks } from './plan-networks.js';
import { readNeutronState } from './read-state.js';
import { renderSetupPlan, renderSetupProgress, type SetupEntry } from './render-setup.js';
import { stepArgs, stepPrintsJson } from './setup-commands.js';

type Ctx = TaskContext<TargetPayload>;

/** The layout the controller's inventory vars ask for, against what Neutron has now: the actions. */
async function currentPlan(ctx: Ctx, host: InventoryHost): Promise<NetworkAction[]> {
  const desired: DesiredNetworks = desiredNetworks(host.vars, host.name);
  const names = new Set([desired.external.name, desired.internal.name]);
  const state = await readNeutronState(ctx.ssh, host, {
    showNetwork: (n) => names.has(n.name),
    signal: ctx.signal,
  });
  return planNetworks(state, desired);
}

async function apply(ctx: Ctx, host: InventoryHost, action: NetworkAction): Promise<void> {
  const args = stepArgs(action.step);
  if (stepPrintsJson(action.step)) await openstackJson(ctx.ssh, host, args, ctx.signal);
  else await openstackAction(ctx.ssh, host, args, ctx.signal);
}

/** Plans again, then makes the missing pieces in order, the message showing each step; stops at the first failure. */
async function createMissing(ctx: Ctx, host: InventoryHost, ts: string) {
  const { chat, payload, log } = ctx;
  const { channel } = payload.reply;
  // the plan an admin confirmed may be minutes old: plan again from what is there now
  const actions = await currentPlan(ctx, host);
  const entries: SetupEntry[] = actions.map((action) =>
    action.kind === 'create' ? { action, outcome: 'pending' } : { action },
  );
  let failed: string | undefined;
  for (const entry of entries.filter((e) => e.outcome === 'pending')) {
    if (failed) {
      entry.outcome = 'not-run';
      continue;
    }
    entry.outcome = 'running';
    await chat.update(channel, ts, renderSetupProgress(host.name, entries, false));
    try {
      await apply(ctx, host, entry.action);
      entry.outcome = 'created';
      log.info({ controller: host.name, what: entry.action.what }, 'network setup: created');
    } catch (err) {
      const f = toFailure(err, host.name);
      entry.outcome = 'failed';
      entry.error = f.hint ? `${sentence(f.message)} ${f.hint}` : f.message;
      failed = entry.action.what;
      log.warn({ controller: host.name, what: entry.action.what, msg: f.message }, 'network setup: failed');
    }
  }
  await chat.update(channel, ts, renderSetupProgress(host.name, entries, true), FINAL);
  const of = (pick: (e: SetupEntry) => boolean) => entries.filter(pick).map((e) => e.action.what);
  return {
    controller: host.name,
    created: of((e) => e.outcome === 'created'),
    unchanged: of((e) => e.action.kind === 'unchanged'),
    conflicts: of((e) => e.action.kind === 'conflict'),
    failed,
  };
}

/**
 * `/lab network setup [controller]`: the runbook's ext1/subext1, int1/subint1 and router1 (gateway on ext1,
 * interface on subint1), from inventory vars with the runbook's values as defaults. plan() only reads;
 * run() re-reads, re-plans and makes the missing pieces in order, stopping at the first failure. What exists
 * is never changed: the same settings are "unchanged", other settings a conflict.
 */
export const networkSetupTask = defineTask({
  name: 'network.setup',
  payload: TargetPayload,
  plan: (ctx) =>
    planOnController(ctx, 'Network setup', async (host) => {
      const actions = await currentPlan(ctx, host);
      const creates = actions.filter((a) => a.kind === 'create').length;
      return { message: renderSetupPlan(host.name, actions), hosts: [host.name], empty: creates === 0 };
    }),

  run: (ctx) =>
    onController(ctx, '⏳ Network setup: reading what the controller has…', 'Network setup', (host, ts) =>
      createMissing(ctx, host, ts),
    ),
});
