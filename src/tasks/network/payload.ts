import { z } from 'zod';
import { ReplyTarget, TargetName } from '../reply-target.js';

/** Every network command takes the same payload: which controller (optional) and where to answer. */
export const NetworkPayload = z.object({
  target: TargetName.optional(),
  reply: ReplyTarget,
});
export type NetworkPayload = z.infer<typeof NetworkPayload>;
