import { FINAL } from '../../chat/sink.js';
import { agentsFromList } from '../controller/cli-json.js';
import { externalInterface } from '../controller/external-interface.js';
import { toFailure } from '../controller/failure.js';
import { readInterfaces, readOvs } from '../controller/host-commands.js';
import { addressChecks, agentChecks, type CheckLine, ovsChecks } from '../controller/network-checks.js';
import { onController } from '../controller/on-controller.js';
import { openstackJson } from '../controller/run-openstack.js';
import { TargetPayload } from '../target-payload.js';
import { defineTask } from '../task.js';
import { renderNetworkCheck } from './render-network-check.js';

/** A read that failed becomes one "not checked" line saying why; the other checks still run. */
async function checked(what: string, host: string, work: () => Promise<CheckLine[]>): Promise<CheckLine[]> {
  try {
    return await work();
  } catch (err) {
    const f = toFailure(err, host);
    return [{ state: 'unknown', text: `${what}: ${f.message}`, hint: f.hint || undefined }];
  }
}

/** `/lab network check [controller]`: the runbook's host-side checks of br-ex, OVS and the Neutron agents. */
export const networkCheckTask = defineTask({
  name: 'network.check',
  payload: TargetPayload,
  run: (ctx) =>
    onController(ctx, '⏳ Checking the controller network…', 'Network check', async (host, ts) => {
      const { inventory, ssh, signal } = ctx;
      const iface = externalInterface(host.vars, host.name);
      const groups = await Promise.all([
        checked('addresses', host.name, async () =>
          addressChecks(await readInterfaces(ssh, host, signal), iface),
        ),
        checked('ovs', host.name, async () => ovsChecks(await readOvs(ssh, host, signal), iface)),
        checked('Neutron agents', host.name, async () =>
          agentChecks(
            agentsFromList(await openstackJson(ssh, host, ['network', 'agent', 'list'], signal)),
            new Set(inventory.hosts.keys()),
          ),
        ),
      ]);
      const lines = groups.flat();
      await ctx.chat.update(ctx.payload.reply.channel, ts, renderNetworkCheck(host.name, lines), FINAL);
      ctx.log.info(
        { controller: host.name, problems: lines.filter((l) => l.state !== 'ok').length },
        'network check done',
      );
      return { controller: host.name, checks: lines.map(({ state, text }) => ({ state, text })) };
    }),
});
