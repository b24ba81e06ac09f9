import type { Redis } from 'ioredis';
import { bestEffort } from '../chat/best-effort-sink.js';
import { withLongOutput } from '../chat/long-output-sink.js';
import { ALL_TASKS } from '../commands/index.js';
import { createHomeRefresher, HOME_REFRESH_MS } from '../home/home-refresh.js';
import { CancelRequests } from '../jobs/cancel-requests.js';
import { sharedNtpCheck } from '../ntp-shards/coordinator.js';
import { NtpRunStore } from '../ntp-shards/run-store.js';
import { shardQueueFor } from '../ntp-shards/shard-job.js';
import { createShardQueues } from '../ntp-shards/shard-queues.js';
import { createNtpShardWorker } from '../ntp-shards/shard-worker.js';
import type { Lab } from '../policy/policy.js';
import { createExecStream } from '../ssh/exec-stream.js';
import { fdBudgetWarning, readFdLimit } from '../ssh/fd-limit.js';
import { SshPool } from '../ssh/ssh-pool.js';
import { createTaskWorker } from '../workers/task-worker.js';
import { workerName } from '../workers/worker-name.js';
import { type Closer, closeWorker } from './closers.js';
import type { Core } from './core.js';
import { labSlots } from './lab-slots.js';

/** How often a shared check's coordinator reads what its shards recorded. */
const SHARD_POLL_MS = 100;

/**
 * How long a shared ntp status waits for its shards at most: every host's check on one worker at
 * LAB_SSH_CONCURRENCY a time, each to its connect and command timeouts, plus a dead worker's slot and job handed on
 * (twice LAB_JOB_LOCK_MS), plus a minute. A worker that holds its slot but never finishes cannot hold the run longer.
 */
function shardWaitMs(hosts: number, config: Core['config']): number {
  const { connectTimeoutMs, commandTimeoutMs, concurrency } = config.ssh;
  const rounds = Math.ceil(hosts / Math.max(1, concurrency));
  return rounds * (connectTimeoutMs + commandTimeoutMs) + 2 * config.jobLockMs + 60_000;
}

/**
 * The worker role: runs the tasks of queued jobs over the SSH pool, follows cancels, and keeps the App Home of
 * whoever opened it lately in step with the jobs. Its closers stop taking jobs, then close the pool.
 */
export async function startWorkerRole(core: Core, connection: Redis) {
  const { config, log, edge, stores } = core;
  const ssh = new SshPool({ knownHostsPath: config.knownHostsPath, ...config.ssh, log });
  // a lab with a known_hosts of its own (LAB_POLICY) gets a pool of its own: one per file, made when first used
  const pools = new Map<string, SshPool>([[config.knownHostsPath, ssh]]);
  const poolFor = (knownHostsPath: string) => {
    const known = pools.get(knownHostsPath);
    if (known) return known;
    const made = new SshPool({ knownHostsPath, ...config.ssh, log });
    pools.set(knownHostsPath, made);
    return made;
  };
  const forLab = (name: string | undefined) => {
    const lab = core.labs.labNamed(name);
    if (!lab) return undefined;
    const { stores: s } = core.labs.runtime(lab);
    return {
      inventory: () => lab.inventory,
      ssh: poolFor(lab.knownHostsPath),
      locks: s.locks,
      audit: s.audit,
      ntpStates: s.lastNtp,
      execStream: createExecStream({
        knownHostsPath: lab.knownHostsPath,
        connectTimeoutMs: config.ssh.connectTimeoutMs,
      }),
    };
  };
  // every lab's hosts may be connected at once (one pool per known_hosts file, each with LAB_SSH_MAX_CONNECTIONS)
  const sizes = [...core.labs.policy().labs.values()].map((lab) => lab.inventory.hosts.size);
  const hosts = sizes.reduce((n, size) => n + size, 0);
  const max = config.ssh.maxConnections;
  const maxConnections =
    max === undefined ? undefined : sizes.reduce((n, size) => n + Math.min(size, max), 0);
  const fdWarning = fdBudgetWarning({ hosts, maxConnections, limit: readFdLimit() });
  if (fdWarning) log.warn({ hosts }, `file-descriptor limit: ${fdWarning}`);
  // a large /lab ntp status is shared: its job hands the hosts out as shards, each to the worker slot its hosts are
  // routed to (the worker that also runs their drift checks), or to the shared queue when no slot is live
  const runs = new NtpRunStore(connection, config.queuePrefix);
  const labPrefix = (name: string | undefined) => core.labs.labNamed(name)?.keyPrefix ?? config.queuePrefix;
  const shardQueues = createShardQueues(connection, config.queuePrefix, labPrefix);
  // one name for this process's Workers and its slot claims: a job's processedBy says which process ran it
  const owner = workerName();
  const shards = createNtpShardWorker({
    name: owner,
    connection,
    prefix: config.queuePrefix,
    labOf: (name) => (config.policyPath ? forLab(name) : { inventory: () => core.inventory, ssh }),
    store: runs,
    thresholds: config.drift,
    cancels: stores.cancels,
    lockMs: config.jobLockMs,
    log,
  });
  // one worker slot per lab for this process, held while it runs: a host's checks of every kind come to one worker
  const slots = labSlots({
    redis: core.redis,
    connection,
    owner,
    ttlMs: config.jobLockMs,
    ntpShards: (slot, lab) => {
      const w = shards.serve(shardQueueFor(slot), lab.keyPrefix);
      return { close: () => closeWorker(w, config.shutdownGraceMs) };
    },
    log,
  });
  for (const lab of core.labs.policy().labs.values()) await slots.of(lab);
  const shared = {
    store: runs,
    queues: shardQueues,
    liveSlots: (lab: string | undefined) => slots.live(labPrefix(lab)),
    ...config.ntpShards,
    pollMs: SHARD_POLL_MS,
    maxWaitMs: (hosts: number) => shardWaitMs(hosts, config),
    log,
  };
  const worker = createTaskWorker({
    connection,
    prefix: config.queuePrefix,
    concurrency: config.workerConcurrency,
    tasks: ALL_TASKS,
    inventory: () => core.inventory,
    ssh,
    chat: edge.slack ? withLongOutput(bestEffort(edge.chat, log), edge.files, log) : edge.chat,
    plans: stores.plans,
    locks: stores.locks,
    settings: { drift: config.drift, openstack: config.openstack },
    execStream: createExecStream({
      knownHostsPath: config.knownHostsPath,
      connectTimeoutMs: config.ssh.connectTimeoutMs,
    }),
    files: edge.files,
    cancels: stores.cancels,
    audit: stores.audit,
    lockMs: config.jobLockMs,
    ntpStates: stores.lastNtp,
    ...(config.policyPath && { forLab }),
    sharedNtpCheck: (job) => sharedNtpCheck({ ...shared, log: log.child({ jobId: job.id }) }, job),
    log,
  });
  const closers: Closer[] = [];
  const { slack } = edge;
  if (slack) {
    const homes = createHomeRefresher({
      viewers: () => stores.homeViewers.recent(Date.now()),
      view: () => core.home(),
      ...(config.policyPath && { viewOf: (user: string) => core.home(user) }),
      publish: (user, view) => slack.views.publish({ user_id: user, view }),
      claim: (windowMs) => stores.homeViewers.claimRefresh(windowMs),
      debounceMs: HOME_REFRESH_MS,
      log,
    });
    for (const event of ['active', 'completed', 'failed'] as const) worker.on(event, () => homes.request());
    closers.push(async () => homes.stop());
  }
  // a cancel reaches every worker; the one running the job aborts its signal, each aborts the job's shards it runs
  const stopCancels = await new CancelRequests(connection, config.queuePrefix).listen((jobId, reason) => {
    worker.cancelJob(jobId, reason);
    shards.cancel(jobId, reason);
  });
  closers.push(
    // every Worker of this process stops taking jobs at once, and running ones share one grace period: one after
    // the other, the later ones would take new jobs while the first finished, and shutdown would take a grace each
    () =>
      Promise.all([
        closeWorker(worker, config.shutdownGraceMs),
        closeWorker(shards.worker, config.shutdownGraceMs),
        slots.close(),
      ]),
    () => shardQueues.close(),
    () => Promise.all([...pools.values()].map((p) => p.close())),
    stopCancels,
  );
  return { ssh, sshFor: (lab: Lab) => poolFor(lab.knownHostsPath), slotsFor: slots.of, closers };
}
