import { z } from 'zod';

/** The queue every worker takes a shared check's shards from when no worker slot is live (see {@link shardQueueFor}). */
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
  /** The worker slot whose queue the shard is on (its hosts are that worker's); absent: the shared queue. */
  slot: z.number().int().min(0).max(1000).optional(),
  hosts: z.array(hostName).min(1).max(100_000),
});
export type NtpShardJob = z.infer<typeof NtpShardJob>;

/** Deterministic: a coordinator retried by BullMQ adds the same ids, and BullMQ keeps the jobs already there. */
export const shardJobId = (parent: string, shard: number) => `${parent}-s${shard}`;

/**
 * The queue of a shard: its worker slot's own (`ntp-shards-<n>`, under the lab's key prefix, taken only by the
 * process holding slot n, which also runs the drift watch's checks of those hosts), or without a slot the one
 * queue every worker takes from.
 */
export function shardQueueFor(slot: number | undefined): string {
  return slot === undefined ? NTP_SHARDS_QUEUE : `${NTP_SHARDS_QUEUE}-${slot}`;
}
