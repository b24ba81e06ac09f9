import { z } from 'zod';
import { ReplyTarget } from '../chat/reply-target.js';

/** A target as typed by the user: "all", a group or a host name (looked up, never passed to a shell). */
export const TargetName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/);

/** The payload of every command that acts on a target: which hosts (optional: the command's default) and where to answer. */
export const TargetPayload = z.object({
  target: TargetName.optional(),
  reply: ReplyTarget,
});
export type TargetPayload = z.infer<typeof TargetPayload>;
