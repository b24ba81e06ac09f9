import { isIP } from 'node:net';
import { z } from 'zod';

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const hostname =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Host variables labops understands; any other key is kept as it is for later capabilities. */
export const HostVars = z
  .object({
    ansible_host: z
      .string()
      .refine((v) => isIP(v) !== 0 || hostname.test(v), 'must be an IP address or a DNS name')
      .optional(),
    ansible_port: z.coerce.number().int().min(1).max(65535).optional(),
    ansible_user: z
      .string()
      .regex(/^[a-z_][a-z0-9_.-]{0,31}$/, 'must be a plain user name')
      .optional(),
    ansible_ssh_private_key_file: z.string().min(1).optional(),
    // passed to `ceph --cluster/--id`: a letter or digit first, so a value can never read as an option
    ceph_cluster: z.string().regex(NAME_PATTERN, 'must be a plain Ceph cluster name').optional(),
    ceph_user: z.string().regex(NAME_PATTERN, 'must be a plain Ceph client id').optional(),
  })
  .passthrough();
export type HostVars = z.infer<typeof HostVars>;

const Hosts = z
  .record(z.string().regex(NAME_PATTERN, 'is not a valid host name'), HostVars.nullish())
  .nullish();

export interface GroupNode {
  hosts?: Record<string, HostVars | null | undefined> | null;
  vars?: Record<string, unknown> | null;
  children?: Record<string, GroupNode | null | undefined> | null;
}
export const GroupNode: z.ZodType<GroupNode> = z.lazy(() =>
  z
    .object({
      hosts: Hosts,
      vars: HostVars.nullish(),
      children: z
        .record(z.string().regex(NAME_PATTERN, 'is not a valid group name'), GroupNode.nullish())
        .nullish(),
    })
    .passthrough(),
);

export const InventoryFile = z.object({ all: GroupNode });
export type InventoryFile = z.infer<typeof InventoryFile>;

/** One lab host as labops uses it, with its variables merged the way Ansible merges them. */
export interface InventoryHost {
  name: string;
  address: string;
  port: number;
  user: string;
  keyPath?: string;
  groups: string[];
  vars: Record<string, unknown>;
}

export interface Inventory {
  hosts: ReadonlyMap<string, InventoryHost>;
  /** Group name -> host names, children included. "all" is every host. */
  groups: ReadonlyMap<string, readonly string[]>;
}
