import { FINAL } from '../../chat/sink.js';
import { onController } from '../controller/on-controller.js';
import { TargetPayload } from '../target-payload.js';
import { defineTask } from '../task.js';
import { readNeutronState } from './read-state.js';
import { renderNetworkList } from './render-network-list.js';

/** `/lab network list [controller]`: networks, subnets and routers on the controller, as tables. Read-only. */
export const networkListTask = defineTask({
  name: 'network.list',
  payload: TargetPayload,
  run: (ctx) =>
    onController(ctx, '⏳ Reading networks on the controller…', 'Networks', async (host, ts) => {
      const state = await readNeutronState(ctx.ssh, host, { signal: ctx.signal });
      await ctx.chat.update(ctx.payload.reply.channel, ts, renderNetworkList(host.name, state), FINAL);
      ctx.log.info({ controller: host.name, networks: state.networks.length }, 'network list done');
      return {
        controller: host.name,
        networks: state.networks.map((n) => n.name),
        subnets: state.subnets.map((s) => s.name),
        routers: state.routers.map((r) => r.name),
      };
    }),
});
