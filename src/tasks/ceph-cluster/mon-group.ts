/** The inventory group of the Ceph monitor hosts, asked one after the other until one answers. */
export const CEPH_MONS = 'ceph_mons';
