import { userInfo } from 'node:os';
import type { Readable } from 'node:stream';
import type { App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { Job, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type ConfirmDeps, cancelPlan, confirmPlan } from './bot/confirm.js';
import { dispatch, type Requester } from './bot/dispatch.js';
import { isAdmin } from './bot/permissions.js';
import { createSlackApp } from './bot/slack-app.js';
import { createConsoleSink } from './chat/console-sink.js';
import type { ChatSink } from './chat/sink.js';
import { createSlackSink } from './chat/slack-sink.js';
import { type Config, ConfigError } from './config.js';
import { runConsole } from './console/console-adapter.js';
import { loadInventory } from './inventory/index.js';
import { createLogger } from './log/logger.js';
import { HostLocks } from './queue/host-locks.js';
import { createJobsEvents, createJobsQueue } from './queue/jobs-queue.js';
import { PlanStore } from './queue/plan-store.js';
import { SshPool } from './ssh/ssh-pool.js';
import { ALL_TASKS } from './tasks/index.js';
import { createTaskWorker } from './workers/task-worker.js';

export type Role = 'all' | 'bot' | 'worker';

export interface LabopsIo {
  stdin: Readable & { isTTY?: boolean };
  stdout: { write(text: string): unknown };
}

export interface Labops {
  /** In console mode: settles when the input ended and every job it started finished. */
  consoleDone?: Promise<void>;
  /** The port /slack/events and /healthz listen on (HTTP and Socket Mode). */
  httpPort?: number;
  stop(): Promise<void>;
}

/** The one composition root: wires Redis, queue, SSH pool, Slack or console, and workers from one config. */
export async function startLabops(config: Readonly<Config>, role: Role, io: LabopsIo): Promise<Labops> {
  const consoleMode = config.slack.mode === 'console';
  if (consoleMode && role === 'bot') {
    throw new ConfigError(
      'The console adapter runs bot and worker in one process: use `npm start` (no SLACK_BOT_TOKEN).',
    );
  }
  const log = createLogger(config.logLevel ?? (consoleMode ? 'warn' : 'info'));
  const inventory = await loadInventory(config.inventoryPath, {
    user: userInfo().username,
    keyPath: config.defaultKeyPath,
  });
  const redis = await connectRedis(config.redisUrl);
  const queue = createJobsQueue(redis, config.queuePrefix);
  await queue.waitUntilReady();

  const plans = new PlanStore(redis, config.queuePrefix);
  const locks = new HostLocks(redis, config.queuePrefix);
  // the console operator runs labops on a machine that holds the lab's SSH key: they are the admin
  const admin = (user: string) => consoleMode || isAdmin(config.admins, user);

  const closers: Array<() => Promise<unknown>> = [];
  const chat: ChatSink =
    config.slack.mode === 'console'
      ? createConsoleSink((t) => io.stdout.write(t))
      : createSlackSink(
          new WebClient(
            config.slack.botToken,
            config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {},
          ),
        );

  let worker: Worker | undefined;
  if (role !== 'bot') {
    const ssh = new SshPool({ knownHostsPath: config.knownHostsPath, ...config.ssh });
    worker = createTaskWorker({
      connection: redis,
      prefix: config.queuePrefix,
      concurrency: config.workerConcurrency,
      tasks: ALL_TASKS,
      inventory: () => inventory,
      ssh,
      chat,
      plans,
      locks,
      settings: { drift: config.drift },
      log,
    });
    closers.push(
      () => closeWorker(worker, config.shutdownGraceMs),
      () => ssh.close(),
    );
  }

  const deps = { inventory, queue, chat, locks, isAdmin: admin, log };
  const handle = (text: string, who: Requester) => dispatch(text, who, deps);
  const confirmDeps: ConfirmDeps = {
    plans,
    locks,
    queue,
    chat,
    isAdmin: admin,
    mention: (user) => (consoleMode ? user : `<@${user}>`),
    log,
  };
  const decide = (planId: string, user: string, yes: boolean) =>
    (yes ? confirmPlan : cancelPlan)(planId, user, confirmDeps);
  let app: App | undefined;
  let httpPort: number | undefined;
  if (role !== 'worker' && config.slack.mode !== 'console') {
    app = createSlackApp(config.slack, config.port, {
      dispatch: handle,
      decide,
      healthy: async () => redis.status === 'ready' && (await redis.ping()) === 'PONG',
      log,
    });
    const server = await app.start(config.port);
    // HTTP mode returns its server, so PORT=0 (tests) can learn the port it got
    httpPort = (server as { address?: () => { port: number } | null })?.address?.()?.port ?? config.port;
    log.info({ mode: config.slack.mode, port: httpPort, role }, 'labops bot started');
    closers.unshift(() => app?.stop() ?? Promise.resolve());
  }
  closers.push(
    () => queue.close(),
    () => redis.quit(),
  );
  const stop = once(async () => {
    log.info('shutting down');
    for (const close of closers)
      await close().catch((err) => log.warn({ msg: (err as Error).message }, 'close failed'));
  });
  const consoleDone =
    consoleMode && role === 'all' ? runConsoleSession(config, redis, queue, handle, decide, io) : undefined;
  return { consoleDone, httpPort, stop };
}

async function runConsoleSession(
  config: Readonly<Config>,
  redis: Redis,
  queue: ReturnType<typeof createJobsQueue>,
  handle: (text: string, who: Requester) => ReturnType<typeof dispatch>,
  decide: (planId: string, user: string, yes: boolean) => ReturnType<typeof dispatch>,
  io: LabopsIo,
) {
  const events = createJobsEvents(redis.duplicate(), config.queuePrefix);
  await events.waitUntilReady();
  await runConsole({
    input: io.stdin,
    write: (t) => io.stdout.write(t),
    dispatch: handle,
    decide,
    prompt: io.stdin.isTTY === true,
    waitForJob: async (id) => {
      const job = await Job.fromId(queue, id);
      if (!job) return { failure: `job ${id} vanished from the queue` };
      return job.waitUntilFinished(events).then(
        (result: { planId?: string } | undefined) => ({ planId: result?.planId }),
        (err: Error) => ({ failure: err.message }),
      );
    },
  });
  await events.close();
}

async function connectRedis(url: string): Promise<Redis> {
  // maxRetriesPerRequest null: BullMQ's blocking commands must wait across reconnects, not fail
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true });
  redis.on('error', () => undefined); // reconnects on its own; readiness is reported by /healthz
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000).unref()),
    ]);
  } catch (err) {
    redis.disconnect();
    throw new ConfigError(
      `Cannot reach Redis at ${url.replace(/\/\/[^@]*@/, '//***@')} (${(err as Error).message}). Start Redis or set REDIS_URL.`,
    );
  }
  return redis;
}

/**
 * Stops taking jobs and lets running ones finish for up to graceMs; then stops waiting: BullMQ's stalled-job
 * check hands an unfinished job to another worker.
 */
async function closeWorker(worker: Worker | undefined, graceMs: number): Promise<void> {
  if (!worker) return;
  const graceful = worker.close();
  const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), graceMs).unref());
  if ((await Promise.race([graceful, timer])) === 'late') await worker.close(true);
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => {
    p ??= fn();
    return p;
  };
}
