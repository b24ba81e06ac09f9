import { z } from 'zod';

/** The queue every worker takes a shared check's shards from (see {@link shardQueueFor}). */
export const NTP_SHARDS_QUEUE = 'ntp-shards';
export const NTP_SHARD_JOB_NAME = 'ntp.status.shard';

const hostName = z.string().min(1).max(255);

/** A shard job's data, as read back from Redis: checked before anything runs on it. */
export const NtpShardJob = z.object({
  /** The `ntp.status` job that coordinates the run: its recorded statuses and its cancel go by this id. */
  parent: z.string().min(1).max(100),
  /** The lab whose inventory and SSH pool the hosts are in (LAB_POLICY); absent: the one lab. */
  lab: z.string().min(1).max(100).optional(),
  shard: z.number().int().min(0).max(10_000),
  hosts: z.array(hostName).min(1).max(100_000),
});
export type NtpShardJob = z.infer<typeof NtpShardJob>;

/** Deterministic: a coordinator retried by BullMQ adds the same ids, and BullMQ keeps the jobs already there. */
export const shardJobId = (parent: string, shard: number) => `${parent}-s${shard}`;

/**
 * The queue shard `shard` goes to. Today one queue that every worker takes from; this is the one place to route
 * a shard elsewhere (e.g. to the worker slot its hosts were on last time, so their connections stay warm).
 */
export function shardQueueFor(_shard: number): string {
  return NTP_SHARDS_QUEUE;
}
