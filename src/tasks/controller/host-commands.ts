import { HostError } from '../../errors.js';
import type { InventoryHost } from '../../inventory/index.js';
import { firstLine } from '../remote/first-line.js';
import { type IpInterface, parseIpAddrJson, parseIpAddrOneline } from './parse-ip-addr.js';
import { type OvsShow, parseOvsShow } from './parse-ovs-show.js';
import type { Ssh } from './run-openstack.js';

// fixed commands: nothing from the user or the inventory goes into them
export const IP_ADDR_COMMAND = 'ip -j addr show';
export const IP_ADDR_ONELINE_COMMAND = 'ip -o addr show';
export const OVS_SHOW_COMMAND = 'ovs-vsctl show';

async function execOrThrow(ssh: Ssh, host: InventoryHost, command: string, signal?: AbortSignal) {
  const r = await ssh.exec(host, command, { signal });
  if (r.code === 0) return r.stdout;
  const output = `${r.stderr}\n${r.stdout}`;
  const tool = command.split(' ')[0] ?? command;
  if (r.code === 127)
    throw new HostError(
      host.name,
      'command-missing',
      `${tool} is not installed or not on PATH on ${host.name}`,
      `Install it on ${host.name} (${tool === 'ip' ? 'iproute' : 'openvswitch'}).`,
    );
  if (/database connection failed/.test(output))
    throw new HostError(
      host.name,
      'daemon-down',
      `Open vSwitch does not answer on ${host.name} (${firstLine(output, 160)})`,
      `Start it: systemctl start openvswitch on ${host.name}.`,
    );
  throw new HostError(
    host.name,
    'command-failed',
    `${command} failed on ${host.name} (exit ${r.code ?? 'signal'}): ${firstLine(output, 160) || 'no output'}`,
    `Run "${command}" on ${host.name} to see the whole error.`,
  );
}

/** Interfaces and addresses; falls back to `ip -o addr show` where ip has no -j (iproute2 before 4.13). */
export async function readInterfaces(
  ssh: Ssh,
  host: InventoryHost,
  signal?: AbortSignal,
): Promise<IpInterface[]> {
  try {
    return parseIpAddrJson(await execOrThrow(ssh, host, IP_ADDR_COMMAND, signal));
  } catch (err) {
    if (!(err instanceof HostError && /Option "-j" is unknown|invalid option/i.test(err.message))) throw err;
    return parseIpAddrOneline(await execOrThrow(ssh, host, IP_ADDR_ONELINE_COMMAND, signal));
  }
}

export async function readOvs(ssh: Ssh, host: InventoryHost, signal?: AbortSignal): Promise<OvsShow> {
  return parseOvsShow(await execOrThrow(ssh, host, OVS_SHOW_COMMAND, signal));
}
