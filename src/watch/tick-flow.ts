import { type ConnectionOptions, FlowProducer } from 'bullmq';
import { routeShards } from './shard-routes.js';
import { FINISH_JOB_NAME, SHARD_JOB_NAME, type TickPlan } from './tick-plan.js';
import { WATCH_QUEUE } from './watch-queue.js';

export interface TickFlow {
  /** Queues the tick's hosts in shards of at most shardSize (by host, see routeShards); how many shards went out. */
  fanOut(tick: TickPlan, shardSize: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * A tick as one BullMQ flow: the finishing step on the watch queue is the parent, the shards its children, each
 * on the queue of the worker slot its hosts are routed to (routeShards: a host to the same worker process tick
 * after tick, and to the one that runs its ntp status checks, so each host is pooled by one worker), or on the
 * watch queue when no slot is live. BullMQ moves the
 * parent to waiting (atomically, in Redis, across queues) once the last child is done, so exactly one process runs
 * it whichever worker finished last. A shard that fails for good does not hold the tick back: the others' hosts are
 * still announced, and its hosts are checked again next tick. Job ids are the tick's: one flow per tick.
 */
export function createTickFlow(
  connection: ConnectionOptions,
  prefix: string,
  liveSlots: () => Promise<number[]>,
): TickFlow {
  const producer = new FlowProducer({ connection, prefix });
  return {
    async fanOut(tick, shardSize) {
      const routed = routeShards(tick, shardSize, await liveSlots());
      await producer.add({
        name: FINISH_JOB_NAME,
        queueName: WATCH_QUEUE,
        data: tick,
        opts: {
          jobId: `drift-${tick.tick}`,
          attempts: 2,
          backoff: { type: 'fixed', delay: 1000 },
          removeOnComplete: { count: 100 },
          removeOnFail: { count: 100 },
        },
        children: routed.map(({ queue, shard }, i) => ({
          name: SHARD_JOB_NAME,
          queueName: queue,
          data: shard,
          opts: {
            jobId: `drift-${tick.tick}-${i}`,
            attempts: 2,
            backoff: { type: 'fixed', delay: 1000 },
            ignoreDependencyOnFailure: true,
            removeOnComplete: { count: 1000 },
            removeOnFail: { count: 100 },
          },
        })),
      });
      return routed.length;
    },
    close: () => producer.close(),
  };
}
