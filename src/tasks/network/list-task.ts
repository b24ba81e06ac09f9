import { section } from '../../chat/blocks.js';
import type { InventoryHost } from '../../inventory/index.js';
import { defineTask } from '../task.js';
import { resolveController } from './controller.js';
import { renderFailure, toFailure } from './failure.js';
import { NetworkPayload } from './payload.js';
import { readNeutronState } from './read-state.js';
import { renderNetworkList } from './render-network-list.js';

/** `/lab network list [controller]`: networks, subnets and routers on the controller, as tables. Read-only. */
export const networkListTask = defineTask({
  name: 'network.list',
  payload: NetworkPayload,
  async run({ payload, inventory, ssh, chat, signal, log }) {
    const { channel } = payload.reply;
    let host: InventoryHost | undefined;
    const reading = {
      text: '⏳ Reading networks on the controller…',
      blocks: [section('⏳ Reading networks on the controller…')],
    };
    const ts = payload.reply.messageTs ?? (await chat.post(channel, reading)).ts;
    try {
      host = resolveController(inventory, payload.target);
      const state = await readNeutronState(ssh, host, { signal });
      await chat.update(channel, ts, renderNetworkList(host.name, state));
      log.info({ controller: host.name, networks: state.networks.length }, 'network list done');
      return {
        controller: host.name,
        networks: state.networks.map((n) => n.name),
        subnets: state.subnets.map((s) => s.name),
        routers: state.routers.map((r) => r.name),
      };
    } catch (err) {
      const failure = toFailure(err, host?.name);
      await chat.update(channel, ts, renderFailure(`Networks on ${host?.name ?? 'the controller'}`, failure));
      log.warn({ controller: host?.name, msg: failure.message }, 'network list failed');
      return { controller: host?.name, error: failure.message };
    }
  },
});
