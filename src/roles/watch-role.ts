import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Lab } from '../policy/policy.js';
import { liveSlots } from '../queue/slot-claims.js';
import { workerSlotKey } from '../queue/worker-slot-key.js';
import type { SshPool } from '../ssh/ssh-pool.js';
import { CEPH_MONS } from '../tasks/ceph-cluster/mon-group.js';
import { cephClusterName } from '../watch/ceph-cluster-name.js';
import { cephThreadOf, deliverCeph } from '../watch/ceph-deliver.js';
import { runCephTick } from '../watch/ceph-tick.js';
import { checkShard } from '../watch/check-shard.js';
import { deliver } from '../watch/deliver.js';
import { deliveryLock } from '../watch/delivery-lock.js';
import { finishTick } from '../watch/finish-tick.js';
import { followUp } from '../watch/follow-up.js';
import { cephPagerEventOf, pagerEventOf } from '../watch/pagerduty-event.js';
import { runTick, type TickDeps } from '../watch/run-tick.js';
import { silenceOf } from '../watch/silence.js';
import { createTickFlow } from '../watch/tick-flow.js';
import type { TickPlan } from '../watch/tick-plan.js';
import {
  createShardWorker,
  createWatchQueue,
  createWatchWorker,
  scheduleCephWatch,
  scheduleWatch,
  unscheduleCephWatch,
  unscheduleWatch,
} from '../watch/watch-queue.js';
import type { Announcement } from '../watch/watch-state.js';
import { type Closer, closeWorker } from './closers.js';
import type { Core } from './core.js';
import type { LabSlots } from './lab-slots.js';
import type { LabRuntime } from './labs.js';

/**
 * The clock-drift watch of every lab: the watch machinery below once per lab, on its hosts, with its alert channel,
 * its own queue and Redis keys under the lab's key prefix. A labops without LAB_POLICY has one lab whose keys and
 * queue are where they always were.
 */
export async function startWatchRole(
  core: Core,
  connection: Redis,
  sshFor: (lab: Lab) => SshPool,
  slotsFor: (lab: Lab) => Promise<LabSlots>,
): Promise<Closer[]> {
  const policy = core.labs.policy();
  const labs = [...policy.labs.values()];
  const [only] = labs;
  if (!policy.fromFile && only)
    return startLabWatch(core, core.labs.runtime(only), core.watchQueue, connection, sshFor(only), slotsFor);
  // the policy's labs each have their own watch: none runs under the bare prefix
  await unscheduleWatch(core.watchQueue);
  await unscheduleCephWatch(core.watchQueue);
  const closers: Closer[] = [];
  for (const lab of labs) {
    const queue = createWatchQueue(core.redis, lab.keyPrefix);
    const rt = core.labs.runtime(lab);
    closers.push(...(await startLabWatch(core, rt, queue, connection, sshFor(lab), slotsFor)), () =>
      queue.close(),
    );
  }
  return closers;
}

/**
 * One lab's clock-drift watch: with an alert channel, one check of every NTP host per tick of a BullMQ job scheduler,
 * split by host over the worker processes' slots (a host to the worker that also runs its ntp status checks, tick
 * after tick; a dead worker's slot is adopted by another) into shards of at most LAB_DRIFT_SHARD_SIZE hosts, then
 * one finishing step that posts; records and offset history in Redis. Without an alert channel, the scheduler is
 * removed. The slots are the worker role's (one per process per lab): the watch serves its shards on them while it runs.
 * Its closer must run before the SSH pool closes: a check cut short would read as every host unreachable.
 */
async function startLabWatch(
  core: Core,
  rt: LabRuntime,
  watchQueue: Queue,
  connection: Redis,
  ssh: SshPool,
  slotsFor: (lab: Lab) => Promise<LabSlots>,
): Promise<Closer[]> {
  const { config } = core;
  const { lab, stores } = rt;
  const log = core.labs.policy().fromFile ? core.log.child({ lab: lab.name }) : core.log;
  const channel = lab.alertChannel;
  if (!channel) {
    await unscheduleWatch(watchQueue);
    await unscheduleCephWatch(watchQueue);
    return [];
  }
  const { confirmChecks, flapChanges, flapWindowMs, flapStableChecks } = config.watch;
  const rules = { confirmChecks, flapChanges, flapWindowMs, flapStableChecks };
  const { chat, files } = core.edge;
  const { watchStore, cephStore } = stores;
  const deliverDeps = {
    store: watchStore,
    chat,
    files,
    channel,
    chart: rt.chart,
    rules,
    // a skewed Ceph monitor's alert and its host's chrony alert are one incident: one thread
    joinThread: (host: string) => cephThreadOf(cephStore, host),
    // a group message is posted once, whichever worker finishes the check and however often
    groups: watchStore,
  };
  // critical alerts page on-call; PagerDuty's answers never hold up the watch
  const { pager } = core;
  const page = (announcements: readonly Announcement[]) => {
    for (const a of announcements) {
      const event = pager && pagerEventOf(a, pager.routingKey);
      if (event) pager?.send(event);
    }
  };
  // Ceph alerts page too, one dedup key per cluster and incident
  const pageCeph = (a: Announcement) => {
    const event = pager && cephPagerEventOf(a, cephClusterName(lab.inventory), pager.routingKey);
    if (event) pager?.send(event);
  };
  const lockTtlMs = 2 * (config.ssh.connectTimeoutMs + config.ssh.commandTimeoutMs) + 60_000;
  // the drift and Ceph deliveries read each other's threads: they take turns (see delivery-lock.ts)
  const delivering = deliveryLock(core.redis, `${lab.keyPrefix}:watch:delivering`, log);
  // a tick's hosts go to the queues of the live worker slots, each host to the same worker process tick after tick
  // and as its ntp status checks (see shard-routes.ts), so that each host is pooled by one worker
  const slotKey = workerSlotKey(lab.keyPrefix);
  const flow = createTickFlow(connection, lab.keyPrefix, () => liveSlots(core.redis, slotKey));
  const tickDeps = (signal: AbortSignal): TickDeps => ({
    store: stores.watchStore,
    history: stores.offsetHistory,
    inventory: () => lab.inventory,
    ssh,
    thresholds: config.drift,
    rules,
    lockTtlMs,
    shardSize: config.watch.shardSize,
    fanOut: flow.fanOut,
    deliver: (records) =>
      delivering('drift', async () => {
        const silences = await stores.silences.list();
        const silenced = (host: string) => silenceOf(silences, host, Date.now()) !== undefined;
        const delivery = await deliver(records, { ...deliverDeps, silenced, now: Date.now, log });
        page([...delivery.posted, ...(delivery.dropped ?? []).filter((a) => a.closes)]);
        return delivery;
      }),
    followUp: (hosts) =>
      followUp(hosts, {
        store: watchStore,
        silences: stores.silences,
        chat,
        channel,
        remindMs: config.watch.remindMs,
        now: Date.now,
        mention: core.edge.mention,
        log,
      }),
    now: Date.now,
    log,
    signal,
  });
  const shard = (plan: TickPlan, signal: AbortSignal) => checkShard(tickDeps(signal), plan);
  const slots = await slotsFor(lab);
  const workerDeps = {
    connection,
    prefix: lab.keyPrefix,
    // the worker role's name for this process: its drift and ntp status jobs say the same processedBy
    name: slots.owner,
    log,
    lockMs: config.jobLockMs,
  };
  // on this process's slot, and a dead process's slot while work is left on it, while this watch runs
  const detach = slots.services.attach('drift-watch', {
    serve: (slot) => {
      const worker = createShardWorker({ ...workerDeps, slot, shard });
      return { close: () => closeWorker(worker, config.shutdownGraceMs) };
    },
  });
  const watchWorker = createWatchWorker({
    ...workerDeps,
    tick: (signal) => runTick(tickDeps(signal)),
    // shards queued on the watch queue itself: by a labops from before worker slots, or while no slot was live
    shard,
    finish: (tick, signal) => finishTick(tickDeps(signal), tick),
    cephTick: (signal) =>
      runCephTick({
        store: cephStore,
        driftStore: watchStore,
        inventory: () => lab.inventory,
        ssh,
        rules,
        lockTtlMs,
        deliver: (record) =>
          delivering('ceph', () =>
            deliverCeph(record, {
              store: cephStore,
              driftStore: watchStore,
              chat,
              channel,
              log,
              page: pageCeph,
            }),
          ),
        now: Date.now,
        log,
        signal,
      }),
  });
  await scheduleWatch(watchQueue, config.watch.intervalSeconds);
  if (lab.inventory.groups.has(CEPH_MONS)) await scheduleCephWatch(watchQueue, config.ceph.intervalSeconds);
  else await unscheduleCephWatch(watchQueue);
  return [
    () => Promise.all([closeWorker(watchWorker, config.shutdownGraceMs), detach()]),
    () => flow.close(),
  ];
}

/** The drift watches of this process, started once and restarted when a reload changes the labs. */
export function watchRunner(start: () => Promise<Closer[]>) {
  let running: Closer[] = [];
  const stop = async () => {
    const closing = running;
    running = [];
    for (const close of closing) await close();
  };
  return {
    start: async () => {
      running = await start();
    },
    stop,
    restart: async () => {
      await stop();
      running = await start();
    },
  };
}
