import { z } from 'zod';

/** Where a job reports: the channel, and the message the bot already posted when it took the command. */
export const ReplyTarget = z.object({
  channel: z.string().min(1).max(64),
  messageTs: z.string().max(64).optional(),
  user: z.string().max(64).optional(),
});
export type ReplyTarget = z.infer<typeof ReplyTarget>;

/** A target as typed by the user: "all", a group or a host name (looked up, never passed to a shell). */
export const TargetName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/);
