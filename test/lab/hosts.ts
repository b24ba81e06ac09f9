/** What one simulated host is made of; startLab turns each plan into files and processes. */
export interface HostPlan {
  name: string;
  group: 'ntp_servers' | 'ntp_clients' | 'openstack_controllers';
  address: string;
  /** Short kebab-case name of what the host simulates, e.g. 'in-sync' or 'bad-host-key'. */
  scenario: string;
  /** running: a normal sshd; silent: accepts TCP, never sends a banner; none: nothing listens. */
  sshd: 'running' | 'silent' | 'none';
  /** Names of the time servers a client uses; `server` for a time server; absent: no chronyd runs. */
  chrony?: { role: 'server'; fast?: boolean } | { role: 'client'; servers: string[] };
  /** Whether the host's PATH has a chronyc (client-down has one but no daemon behind it). */
  chronyc: boolean;
  /** Which key known_hosts lists for it: its own, or another one to provoke a mismatch. */
  knownKey: 'real' | 'impostor';
  /** Which private key the inventory tells labops to use for it. */
  loginKey: 'lab' | 'unauthorised';
}

// An address in the lab's net that nothing serves: client-unsync polls it forever.
export const UNSERVED_HOST = 250;

/**
 * The fixed scenarios, then `extra` in-sync clients, then `driftClients` more clients of ntp-fast alone
 * (client-drift-2, -3, ...), then (opt-in) the OpenStack controller, numbered .1, .2, ... in `net`.
 */
export function planHosts(net: string, extra: number, controller = false, driftClients = 0): HostPlan[] {
  const base = { sshd: 'running', chronyc: true, knownKey: 'real', loginKey: 'lab' } as const;
  const server = { ...base, group: 'ntp_servers', scenario: 'time-server' } as const;
  const client = (scenario: string, servers?: string[]): Omit<HostPlan, 'address' | 'name'> => ({
    ...base,
    group: 'ntp_clients',
    scenario,
    chrony: servers && { role: 'client', servers },
  });
  const unserved = `${net}.${UNSERVED_HOST}`;
  const plans: Omit<HostPlan, 'address'>[] = [
    { ...server, name: 'ntp1', chrony: { role: 'server' } },
    { ...server, name: 'ntp2', chrony: { role: 'server' } },
    { ...server, name: 'ntp-fast', scenario: 'fast-time-server', chrony: { role: 'server', fast: true } },
    { ...client('in-sync', ['ntp1', 'ntp2', 'ntp-fast']), name: 'client-sync' },
    { ...client('drift', ['ntp-fast']), name: 'client-drift' },
    { ...client('unsynchronised', [unserved]), name: 'client-unsync' },
    { ...client('chronyd-down'), name: 'client-down' },
    { ...client('no-chronyc'), name: 'client-nochrony', chronyc: false },
    { ...client('silent'), name: 'client-silent', sshd: 'silent' },
    { ...client('off'), name: 'client-off', sshd: 'none' },
    { ...client('bad-host-key', ['ntp1', 'ntp2']), name: 'client-badkey', knownKey: 'impostor' },
    { ...client('auth-fail', ['ntp1', 'ntp2']), name: 'client-authfail', loginKey: 'unauthorised' },
  ];
  for (let i = 1; i <= extra; i++)
    plans.push({ ...client('in-sync', ['ntp1', 'ntp2']), name: `client-extra-${i}` });
  for (let i = 2; i <= driftClients + 1; i++)
    plans.push({ ...client('drift', ['ntp-fast']), name: `client-drift-${i}` });
  // an NTP client too, as in the runbook; its ip/ovs-vsctl stand-ins and keystonerc come from controller.ts
  if (controller)
    plans.push({
      ...client('openstack-controller', ['ntp1', 'ntp2']),
      name: 'controller',
      group: 'openstack_controllers',
    });
  return plans.map((p, i) => ({ ...p, address: `${net}.${i + 1}` }));
}
