import { accessSync, chmodSync, constants, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The opt-in OpenStack controller host: name, inventory group and what its sshd serves. */
export const CONTROLLER = { name: 'controller', group: 'openstack_controllers' } as const;

/** Which captured `ip -j addr show` and `ovs-vsctl show` the controller's stand-ins replay. */
export type ControllerNetworkState = 'good' | 'broken';

export interface ControllerOptions {
  /** OS_AUTH_URL written into keystonerc_admin, e.g. a fake Keystone's http://127.0.0.1:PORT/v3. */
  authUrl: string;
  /** OS_PASSWORD in keystonerc_admin; default 'abc123' (the runbook's). */
  password?: string;
  /** Default 'good'. */
  networkState?: ControllerNetworkState;
}

/** Changes the running controller: its keystonerc_admin, and what its ip/ovs-vsctl stand-ins print. */
export interface LabController {
  name: string;
  address: string;
  /** The keystonerc_admin in the controller's HOME. */
  keystonercPath: string;
  writeKeystonerc(o: { authUrl: string; password?: string }): void;
  setNetworkState(state: ControllerNetworkState): void;
}

const FIXTURES = fileURLToPath(new URL('../fixtures/openstack/', import.meta.url));

const REPLAYS: Record<ControllerNetworkState, { ip: string; ovs: string }> = {
  good: { ip: 'ip-addr-good.txt', ovs: 'ovs-vsctl-show-good.txt' },
  broken: { ip: 'ip-addr-ens33-conflict.txt', ovs: 'ovs-vsctl-show-agent-down.txt' },
};

/** keystonerc_admin as packstack writes it (../shared/samples/packstack/keystonerc_admin), URL and password swapped. */
export function keystonercText(authUrl: string, password: string): string {
  if (/['\n]/.test(password) || /\s/.test(authUrl)) throw new Error('lab: keystonerc values must be plain');
  return [
    'unset OS_SERVICE_TOKEN',
    '    export OS_USERNAME=admin',
    `    export OS_PASSWORD='${password}'`,
    '    export OS_REGION_NAME=RegionOne',
    `    export OS_AUTH_URL=${authUrl}`,
    "    export PS1='[\\u@\\h \\W(keystone_admin)]\\$ '",
    '    ',
    'export OS_PROJECT_NAME=admin',
    'export OS_USER_DOMAIN_NAME=Default',
    'export OS_PROJECT_DOMAIN_NAME=Default',
    'export OS_IDENTITY_API_VERSION=3',
    '',
  ].join('\n');
}

/**
 * A stand-in for a tool that cannot run here: prints the section of a captured fixture (everything after its
 * "### " line) that the host's network-state file selects, for exactly the arguments labops uses.
 */
function standIn(
  tool: string,
  args: string,
  stateFile: string,
  pick: (r: { ip: string; ovs: string }) => string,
) {
  const cases = Object.entries(REPLAYS)
    .map(([state, r]) => `  ${state}) exec sed '1,/^### /d' '${join(FIXTURES, pick(r))}' ;;`)
    .join('\n');
  return `#!/bin/sh
# lab stand-in for ${tool}: replays a captured output chosen by ${stateFile}
if [ "$*" != "${args}" ]; then echo "lab stand-in: ${tool} $* is not simulated" >&2; exit 2; fi
case "$(cat '${stateFile}' 2>/dev/null)" in
${cases}
esac
echo "lab stand-in: unknown network state in ${stateFile}" >&2; exit 2
`;
}

/** Writes keystonerc_admin and the ip/ovs-vsctl stand-ins into the controller's HOME and bin/. */
export function setUpController(hostDir: string, address: string, o: ControllerOptions): LabController {
  try {
    accessSync('/usr/bin/openstack', constants.X_OK);
  } catch {
    throw new Error(
      'lab: the controller needs the openstack CLI; install with: apt-get install -y python3-openstackclient',
    );
  }
  const home = join(hostDir, 'home');
  const keystonercPath = join(home, 'keystonerc_admin');
  const stateFile = join(hostDir, 'network-state');
  const write = (path: string, text: string, mode = 0o644) => {
    writeFileSync(`${path}.tmp`, text);
    chmodSync(`${path}.tmp`, mode);
    renameSync(`${path}.tmp`, path);
  };
  const controller: LabController = {
    name: CONTROLLER.name,
    address,
    keystonercPath,
    writeKeystonerc: ({ authUrl, password }) =>
      write(keystonercPath, keystonercText(authUrl, password ?? 'abc123'), 0o600),
    setNetworkState: (state) => write(stateFile, `${state}\n`),
  };
  write(
    join(hostDir, 'bin', 'ip'),
    standIn('ip', '-j addr show', stateFile, (r) => r.ip),
    0o755,
  );
  write(
    join(hostDir, 'bin', 'ovs-vsctl'),
    standIn('ovs-vsctl', 'show', stateFile, (r) => r.ovs),
    0o755,
  );
  controller.writeKeystonerc(o);
  controller.setNetworkState(o.networkState ?? 'good');
  return controller;
}
