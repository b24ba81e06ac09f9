import type { Inventory, InventoryHost } from '../../inventory/index.js';
import type { SshPool } from '../../ssh/ssh-pool.js';
import { checkHost } from '../chrony/check-host.js';
import type { NtpHostStatus, NtpThresholds } from '../chrony/classify.js';
import type { MonProblem } from './mon-problems.js';

/** A monitor Ceph complains about, the inventory host it runs on (if known), and that host's chrony state. */
export interface MonCheck extends MonProblem {
  host?: string;
  chrony?: NtpHostStatus;
}

/**
 * The inventory host of a Ceph monitor: by default a mon is named after its host's short name, so the host named
 * like it, else the one whose first DNS label is its name; a ceph_mons member wins a tie.
 */
export function hostOfMon(inventory: Inventory, mon: string): InventoryHost | undefined {
  const exact = inventory.hosts.get(mon);
  if (exact) return exact;
  const short = [...inventory.hosts.values()].filter((h) => h.name.split('.')[0] === mon);
  return short.find((h) => h.groups.includes('ceph_mons')) ?? short[0];
}

/** The chrony check of `/lab ntp status` on every named monitor that is in the inventory, all at once. */
export function checkMons(
  ssh: Pick<SshPool, 'exec'>,
  inventory: Inventory,
  problems: readonly MonProblem[],
  thresholds: NtpThresholds,
  signal?: AbortSignal,
): Promise<MonCheck[]> {
  return Promise.all(
    problems.map(async (p): Promise<MonCheck> => {
      const host = hostOfMon(inventory, p.mon);
      if (!host) return p;
      return { ...p, host: host.name, chrony: await checkHost(ssh, host, thresholds, signal) };
    }),
  );
}
