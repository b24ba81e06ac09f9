import type { Inventory } from '../inventory/index.js';
import { CEPH_MONS } from '../tasks/ceph-cluster/mon-group.js';

/** The Ceph cluster the watch asks: its monitors' `ceph_cluster` (ceph unless the inventory says otherwise). */
export function cephClusterName(inventory: Inventory): string {
  const [first] = inventory.groups.get(CEPH_MONS) ?? [];
  const cluster = first && inventory.hosts.get(first)?.vars.ceph_cluster;
  return typeof cluster === 'string' ? cluster : 'ceph';
}
