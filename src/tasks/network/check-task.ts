import { section } from '../../chat/blocks.js';
import type { InventoryHost } from '../../inventory/index.js';
import { defineTask } from '../task.js';
import { agentsFromList } from './cli-json.js';
import { resolveController } from './controller.js';
import { externalInterface } from './desired-networks.js';
import { renderFailure, toFailure } from './failure.js';
import { readInterfaces, readOvs } from './host-commands.js';
import { addressChecks, agentChecks, type CheckLine, ovsChecks } from './network-checks.js';
import { NetworkPayload } from './payload.js';
import { renderNetworkCheck } from './render-network-check.js';
import { openstackJson } from './run-openstack.js';

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
  payload: NetworkPayload,
  async run({ payload, inventory, ssh, chat, signal, log }) {
    const { channel } = payload.reply;
    let host: InventoryHost | undefined;
    const checking = {
      text: '⏳ Checking the controller network…',
      blocks: [section('⏳ Checking the controller network…')],
    };
    const ts = payload.reply.messageTs ?? (await chat.post(channel, checking)).ts;
    try {
      const h = resolveController(inventory, payload.target);
      host = h;
      const iface = externalInterface(h.vars, h.name);
      const groups = await Promise.all([
        checked('addresses', h.name, async () => addressChecks(await readInterfaces(ssh, h, signal), iface)),
        checked('ovs', h.name, async () => ovsChecks(await readOvs(ssh, h, signal), iface)),
        checked('Neutron agents', h.name, async () =>
          agentChecks(
            agentsFromList(await openstackJson(ssh, h, ['network', 'agent', 'list'], signal)),
            new Set(inventory.hosts.keys()),
          ),
        ),
      ]);
      const lines = groups.flat();
      await chat.update(channel, ts, renderNetworkCheck(h.name, lines));
      log.info(
        { controller: h.name, problems: lines.filter((l) => l.state !== 'ok').length },
        'network check done',
      );
      return { controller: h.name, checks: lines.map(({ state, text }) => ({ state, text })) };
    } catch (err) {
      const failure = toFailure(err, host?.name);
      await chat.update(
        channel,
        ts,
        renderFailure(`Network check on ${host?.name ?? 'the controller'}`, failure),
      );
      return { controller: host?.name, error: failure.message };
    }
  },
});
