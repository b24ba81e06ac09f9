import { z } from 'zod';

/** Roles, lowest first: each may do what the ones before it may. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export const RoleName = z.enum(ROLES);
export type RoleName = z.infer<typeof RoleName>;

/** A lab's name is part of Redis keys and of the metrics label: kept plain. */
export const LabName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'lab names are lower-case letters, digits, - and _ (at most 32)');
const ChannelId = z.string().regex(/^[CG][A-Z0-9]{2,20}$/, 'must be a Slack channel id such as C0123ABCD');
const Grantee = z
  .string()
  .regex(/^([UW]|S)[A-Z0-9]{2,20}$/, 'must be a Slack user id (U…) or user group id (S…)');
const Path = z.string().min(1, 'must be a file path').max(4096);

/** role -> Slack user ids or user group ids, as the file writes it. */
export const Grants = z
  .object({
    viewer: z.array(Grantee).optional(),
    operator: z.array(Grantee).optional(),
    admin: z.array(Grantee).optional(),
  })
  .strict();
export type Grants = z.infer<typeof Grants>;

export const PolicyLab = z
  .object({
    inventory: Path,
    known_hosts: Path.optional(),
    ssh_key: Path.optional(),
    channels: z.array(ChannelId).default([]),
    alert_channel: ChannelId.optional(),
    roles: Grants.default({}),
  })
  .strict();
export type PolicyLab = z.infer<typeof PolicyLab>;

/** The LAB_POLICY file, keys as the README writes them (issue 15). */
export const PolicyFile = z
  .object({
    labs: z
      .record(LabName, PolicyLab)
      .refine((labs) => Object.keys(labs).length > 0, 'must name at least one lab'),
    roles: Grants.default({}),
    default_role: z.enum(['none', 'viewer']).default('none'),
    commands: z.record(z.string().max(60), RoleName).default({}),
    approvals: z.record(z.string().max(60), z.number().int().min(1).max(2)).default({}),
  })
  .strict()
  .superRefine((file, ctx) => {
    const boundTo = new Map<string, string>();
    for (const [name, lab] of Object.entries(file.labs)) {
      for (const channel of lab.channels) {
        const other = boundTo.get(channel);
        if (other)
          ctx.addIssue({
            code: 'custom',
            path: ['labs', name, 'channels'],
            message: `${channel} is bound to lab ${other} already: a channel serves one lab`,
          });
        boundTo.set(channel, name);
      }
    }
    // an alert's buttons act in the lab of the channel they are in: one lab per alert channel too
    for (const [name, lab] of Object.entries(file.labs)) {
      const channel = lab.alert_channel;
      const other = channel === undefined ? undefined : boundTo.get(channel);
      if (channel && other && other !== name)
        ctx.addIssue({
          code: 'custom',
          path: ['labs', name, 'alert_channel'],
          message: `${channel} serves lab ${other} already: an alert channel serves one lab (its buttons act there)`,
        });
      if (channel && !other) boundTo.set(channel, name);
    }
  });
export type PolicyFile = z.infer<typeof PolicyFile>;
