import { UnrecoverableError } from 'bullmq';
import type { InventoryHost } from '../../inventory/index.js';
import { resolveController } from '../controller/controller.js';
import { toFailure } from '../controller/failure.js';
import { planOnController } from '../controller/on-controller.js';
import { TargetPayload } from '../target-payload.js';
import { defineTask } from '../task.js';
import { bridgeIfacesKey, runbookAnswers } from './answer-file.js';
import { renderPlan, STAGE_TITLES } from './checklist.js';
import { openChecklist } from './deploy-checklist.js';
import { type DeployContext, readFacts, runStages, StageFailed } from './deploy-stages.js';
import { mask } from './mask.js';
import { maskedChat, maskMessage } from './masked-chat.js';

/** The answer-file keys the plan lists: the runbook's and the inventory's, the bridge key named for both backends. */
function plannedKeys(extIface: string, extra: Record<string, string>): string[] {
  return Object.keys(runbookAnswers('', { password: '', extIface, extra }))
    .map((k) =>
      k === bridgeIfacesKey('ovn')
        ? `CONFIG_NEUTRON_OVN|OVS_BRIDGE_IFACES (per backend)=br-ex:${extIface}`
        : k,
    )
    .sort();
}

/** Why the deploy stopped, for its checklist line, when it was not a stage's own failure. */
function unexpectedReason(err: unknown, host?: string): string {
  try {
    const f = toFailure(err, host); // throws on what is neither the host's nor the user's: a bug
    return `${f.message}${f.hint ? `. ${f.hint}` : ''}`;
  } catch {
    return 'an internal error (see the worker log)';
  }
}

/**
 * `/lab deploy openstack [controller]`: the runbook's packstack all-in-one in five stages (preflight, prepare,
 * answer file, install, verify: deploy-stages.ts), one checklist message that moves as packstack reports its steps,
 * details in its thread. The admin password comes from the worker's settings, never from chat, and is masked
 * everywhere.
 */
export const deployOpenstackTask = defineTask({
  name: 'deploy.openstack',
  payload: TargetPayload,
  plan: (ctx) =>
    planOnController(ctx, 'Deploy OpenStack', async (host) => {
      const { settings, preflight } = await readFacts(ctx, host);
      const message = renderPlan({
        host: host.name,
        checks: preflight.checks,
        prepare: preflight.prepare.map((p) => p.what),
        answerFile: settings.packstack_answer_file,
        answerFileExists: preflight.answerFileExists,
        keys: plannedKeys(settings.extIface, settings.packstack_answers),
        blocked: preflight.blocked,
      });
      return {
        message,
        hosts: [host.name],
        empty: preflight.blocked,
        emptyNote: 'Nothing was changed. Fix what the preflight found, then run /lab deploy openstack again.',
      };
    }),

  async run(ctx: DeployContext) {
    const { payload, log } = ctx;
    const { channel } = payload.reply;
    const password = ctx.settings.openstack?.adminPassword ?? '';
    const secrets: string[] = password ? [password] : [];
    const started = Date.now();
    let host: InventoryHost | undefined;
    const { ts, checklist } = await openChecklist(
      maskedChat(ctx.chat, () => secrets),
      channel,
      payload.reply.messageTs,
      () => host?.name ?? 'the controller',
      (message) => ctx.remember?.(maskMessage(message, secrets)),
    );
    try {
      host = resolveController(ctx.inventory, payload.target);
      await runStages({ ctx, host, checklist, password, secrets, channel, ts });
      await checklist.finish('done');
      const horizon = `http://${host.address}/dashboard`;
      log.info({ controller: host.name, ms: Date.now() - started }, 'deploy done');
      return { controller: host.name, horizon };
    } catch (err) {
      if (!(err instanceof StageFailed)) checklist.end('failed', unexpectedReason(err, host?.name));
      await checklist.finish('failed');
      const stage = STAGE_TITLES[checklist.current];
      const msg = mask((err as Error).message, secrets);
      log.warn({ controller: host?.name, stage, msg }, 'deploy failed');
      throw new UnrecoverableError(`deploy failed at ${stage}: ${msg}`);
    } finally {
      checklist.close();
    }
  },
});
