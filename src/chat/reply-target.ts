import { z } from 'zod';

/** Where a job reports: the channel, and the message the bot already posted when it took the command. */
export const ReplyTarget = z.object({
  channel: z.string().min(1).max(64),
  /** The message the bot posted when it took the command; updated in place as the job goes. */
  messageTs: z.string().max(64).optional(),
  user: z.string().max(64).optional(),
  /** The thread messageTs is a reply in (a command run from an alert's button): the job's thread replies go there. */
  threadTs: z.string().max(64).optional(),
});
export type ReplyTarget = z.infer<typeof ReplyTarget>;
