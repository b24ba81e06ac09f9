import pLimit from 'p-limit';
import type { InventoryHost } from '../../inventory/index.js';
import {
  networkFromShow,
  networksFromList,
  routerFromShow,
  routersFromList,
  subnetsFromList,
} from '../controller/cli-json.js';
import type { NetworkInfo, NeutronState } from '../controller/neutron-state.js';
import { openstackJson, type Ssh } from '../controller/run-openstack.js';

// sshd allows 10 sessions on one connection, and each CLI run is a python start-up (~0.5 s of CPU)
const PARALLEL = 4;
// a lab has a handful of routers; past this many, interfaces are left out rather than waited for
const MAX_SHOWS = 30;
// IDs come from the CLI's own output; checked all the same before they go into a command
const ID = /^[A-Za-z0-9-]{1,64}$/;

export interface ReadOptions {
  /** Networks whose provider details (`network show`) are needed; default none. */
  showNetwork?: (network: NetworkInfo) => boolean;
  signal?: AbortSignal;
}

/** Networks, subnets and routers (with their interfaces) on the controller, via the openstack CLI. */
export async function readNeutronState(
  ssh: Ssh,
  host: InventoryHost,
  opts: ReadOptions = {},
): Promise<NeutronState> {
  const limit = pLimit(PARALLEL);
  const call = (...args: string[]) => limit(() => openstackJson(ssh, host, args, opts.signal));
  const [networks, subnets, routers] = await Promise.all([
    call('network', 'list', '--long').then(networksFromList),
    call('subnet', 'list', '--long').then(subnetsFromList),
    call('router', 'list', '--long').then(routersFromList),
  ]);
  const wanted = (opts.showNetwork ? networks.filter(opts.showNetwork) : []).filter((n) => ID.test(n.id));
  const [shownNetworks, shownRouters] = await Promise.all([
    Promise.all(wanted.slice(0, MAX_SHOWS).map((n) => call('network', 'show', n.id).then(networkFromShow))),
    Promise.all(
      routers
        .filter((r) => ID.test(r.id))
        .slice(0, MAX_SHOWS)
        .map((r) => call('router', 'show', r.id).then(routerFromShow)),
    ),
  ]);
  const networkById = new Map(shownNetworks.map((n) => [n.id, n]));
  const routerById = new Map(shownRouters.map((r) => [r.id, r]));
  return {
    networks: networks.map((n) => networkById.get(n.id) ?? n),
    subnets,
    routers: routers.map((r) => routerById.get(r.id) ?? r),
  };
}
