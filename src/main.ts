import { userInfo } from 'node:os';
import type { App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { Job, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { dispatch, type Requester } from './bot/dispatch.js';
import { createSlackApp } from './bot/slack-app.js';
import { createConsoleSink } from './chat/console-sink.js';
import type { ChatSink } from './chat/sink.js';
import { createSlackSink } from './chat/slack-sink.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { runConsole } from './console/console-adapter.js';
import { InventoryError, loadInventory } from './inventory/index.js';
import { createLogger } from './log/logger.js';
import { createJobsEvents, createJobsQueue } from './queue/jobs-queue.js';
import { SshPool } from './ssh/ssh-pool.js';
import { ALL_TASKS } from './tasks/index.js';
import { createTaskWorker } from './workers/task-worker.js';

type Role = 'all' | 'bot' | 'worker';

/** The one composition root: reads config once, wires Redis, queue, SSH pool, Slack or console, and workers. */
async function main(role: Role): Promise<void> {
  const config = loadConfig();
  const consoleMode = config.slack.mode === 'console';
  if (consoleMode && role === 'bot') {
    throw new ConfigError('The console adapter runs bot and worker in one process: use `npm start` (no SLACK_BOT_TOKEN).');
  }
  const log = createLogger(config.logLevel ?? (consoleMode ? 'warn' : 'info'));
  const inventory = await loadInventory(config.inventoryPath, { user: userInfo().username, keyPath: config.defaultKeyPath });
  const redis = await connectRedis(config.redisUrl);
  const queue = createJobsQueue(redis, config.queuePrefix);
  await queue.waitUntilReady();

  const closers: Array<() => Promise<unknown>> = [];
  const stdoutSink = createConsoleSink((t) => process.stdout.write(t));
  const chat: ChatSink =
    config.slack.mode === 'console'
      ? stdoutSink
      : createSlackSink(
          new WebClient(config.slack.botToken, config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
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
      settings: { drift: config.drift },
      log,
    });
    closers.push(() => worker?.close() ?? Promise.resolve(), () => ssh.close());
  }

  const deps = { inventory, queue, chat, log };
  const handle = (text: string, who: Requester) => dispatch(text, who, deps);
  let app: App | undefined;
  if (role !== 'worker' && config.slack.mode !== 'console') {
    app = createSlackApp(config.slack, config.port, {
      dispatch: handle,
      healthy: async () => redis.status === 'ready' && (await redis.ping()) === 'PONG',
      log,
    });
    await app.start(config.port);
    log.info({ mode: config.slack.mode, port: config.port, role }, 'labops bot started');
    closers.unshift(() => app?.stop() ?? Promise.resolve());
  }
  closers.push(
    () => queue.close(),
    () => redis.quit(),
  );
  const shutdown = once(async () => {
    log.info('shutting down');
    for (const close of closers) await close().catch((err) => log.warn({ msg: (err as Error).message }, 'close failed'));
  });
  process.once('SIGTERM', () => shutdown().then(() => process.exit(0)));
  process.once('SIGINT', () => shutdown().then(() => process.exit(0)));

  if (consoleMode && role === 'all') {
    await runConsoleSession(config, redis, queue, handle);
    await shutdown();
  }
}

async function runConsoleSession(
  config: Readonly<Config>,
  redis: Redis,
  queue: ReturnType<typeof createJobsQueue>,
  handle: (text: string, who: Requester) => ReturnType<typeof dispatch>,
) {
  const events = createJobsEvents(redis.duplicate(), config.queuePrefix);
  await events.waitUntilReady();
  await runConsole({
    input: process.stdin,
    write: (t) => process.stdout.write(t),
    dispatch: handle,
    prompt: process.stdin.isTTY,
    waitForJob: async (id) => {
      const job = await Job.fromId(queue, id);
      if (!job) return `job ${id} vanished from the queue`;
      return job.waitUntilFinished(events).then(
        () => undefined,
        (err: Error) => err.message,
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

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => {
    p ??= fn();
    return p;
  };
}

const role = (process.argv[2] ?? 'all') as Role;
if (!['all', 'bot', 'worker'].includes(role)) {
  process.stderr.write(`Unknown role "${role}": use bot, worker or nothing (both).\n`);
  process.exit(2);
}
main(role).catch((err: Error) => {
  const known = err instanceof ConfigError || err instanceof InventoryError;
  process.stderr.write(`${known ? err.message : `labops failed to start: ${err.stack ?? err.message}`}\n`);
  process.exit(known ? 2 : 1);
});

