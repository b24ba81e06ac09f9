import { z } from 'zod';

/** A shard of a drift check: some of its hosts (see checkShard). */
export const SHARD_JOB_NAME = 'ntp.watch.shard';
/** The end of a drift check, after all its shards: what is announced is posted (see finishTick). */
export const FINISH_JOB_NAME = 'ntp.watch.finish';

// a host name as the inventory allows it; job data comes back from Redis and is checked like any input
const HostName = z.string().min(1).max(253);

/**
 * One check of the watched hosts, as its jobs carry it: the tick's id (which is also its lock's owner), when it
 * started (every host's observation is dated then), and the hosts of one shard or, for the finishing step, all.
 * `scope` names whose watch it is ('' = the one watch), so that one worker can serve several.
 */
export const TickPlan = z.object({
  tick: z.string().min(1).max(100),
  at: z.number().int().nonnegative(),
  hosts: z.array(HostName).max(100_000),
  scope: z.string().max(100).default(''),
});
export type TickPlan = z.infer<typeof TickPlan>;

/** The hosts in shards of at most `size`, in the order given: the jobs several workers share. */
export function shardsOf<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`shard size must be a whole number ≥ 1, not ${size}`);
  const shards: T[][] = [];
  for (let i = 0; i < items.length; i += size) shards.push(items.slice(i, i + size));
  return shards;
}
