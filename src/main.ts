import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { isAdmin } from './bot/permissions.js';
import { CHART_THREAD, createPngRenderer } from './chart/png-renderer.js';
import { type Config, ConfigError } from './config.js';
import type { ConsoleOutput } from './console/create-view.js';
import { humanLogFile } from './log/human-log.js';
import { createLogger } from './log/logger.js';
import { createJobsQueue } from './queue/jobs-queue.js';
import { startBotRole } from './roles/bot-role.js';
import { createChatEdge } from './roles/chat-edge.js';
import { type Closer, once } from './roles/closers.js';
import { runConsoleRole } from './roles/console-role.js';
import type { Core } from './roles/core.js';
import { homeOf } from './roles/home-role.js';
import { createLabs, gatedCommands, openPolicy, reloadOf } from './roles/labs-role.js';
import { connectRedis } from './roles/redis-connections.js';
import { createStores } from './roles/stores.js';
import { startWatchRole, watchRunner } from './roles/watch-role.js';
import { startWorkerHealth } from './roles/worker-health.js';
import { startWorkerRole } from './roles/worker-role.js';
import { offsetChartOf } from './watch/offset-chart-of.js';
import { createPager } from './watch/pager.js';
import { createWatchQueue } from './watch/watch-queue.js';

export type Role = 'all' | 'bot' | 'worker';

export interface LabopsIo {
  stdin: Readable & { isTTY?: boolean };
  /** A terminal (isTTY) gets answers redrawn in place; anything else a transcript. */
  stdout: ConsoleOutput;
  /** Console mode: commands run before the first line of stdin (the demo's opening ones). */
  commands?: readonly string[];
  /** Where the JSON log goes; stderr when unset (tests capture it). */
  log?: { write(line: string): unknown };
  /** Console mode: the lab its commands run in (`--lab <name>`; default the policy's first lab). */
  lab?: string;
}

export interface Labops {
  /** In console mode: settles when the input ended and every job it started finished. */
  consoleDone?: Promise<void>;
  /** The port /slack/events, /healthz and /readyz listen on (HTTP and Socket Mode; a worker's LAB_WORKER_PORT). */
  httpPort?: number;
  stop(): Promise<void>;
  /** SIGHUP: reads LAB_POLICY again; a valid file takes effect for new commands, an invalid one is logged and ignored. */
  reload(): Promise<{ ok: boolean }>;
}

/**
 * The one composition root: builds what every role shares from one config (src/roles/core.ts), then starts the
 * roles this process has: worker and drift watch, bot (Slack or console). Each role returns its closers; stop()
 * runs them in order: listeners first, the watch before the SSH pool, connections last.
 */
export async function startLabops(config: Readonly<Config>, role: Role, io: LabopsIo): Promise<Labops> {
  const consoleMode = config.slack.mode === 'console';
  if (consoleMode && role === 'bot') {
    throw new ConfigError(
      'The console adapter runs bot and worker in one process: use `npm start` (no SLACK_BOT_TOKEN).',
    );
  }
  // console mode: the terminal holds the transcript; human-readable warnings and errors go to a file
  const logPath = config.logFile ?? join(tmpdir(), 'labops-console.log');
  const logFile = consoleMode && !io.log ? humanLogFile(logPath) : undefined;
  const log = createLogger(config.logLevel ?? (consoleMode ? 'warn' : 'info'), io.log ?? logFile);
  // LAB_POLICY names the labs (issue 15); without it, one lab from LAB_INVENTORY and LAB_ADMINS as always
  const start = await openPolicy(config, consoleMode, io.lab);
  const redis = await connectRedis(config.redisUrl, 'fail-fast');
  // BullMQ's workers block on Redis and must wait across reconnects; everything else fails fast
  const workerRedis = role === 'bot' ? undefined : await connectRedis(config.redisUrl, 'wait');
  const queue = createJobsQueue(redis, config.queuePrefix);
  await queue.waitUntilReady();
  const stores = createStores(redis, config, log);
  // charts are rasterised on a worker thread, so a big one cannot hold up Slack's 3 s ack
  const png = createPngRenderer(CHART_THREAD);
  // critical alerts and acknowledgements page on-call; PagerDuty's answers never hold anything up
  const pd = config.pagerDuty;
  const pager = pd ? createPager({ url: pd.url, log }) : undefined;
  const edge = createChatEdge(config, io.stdout, log);
  // the console operator runs labops on a machine that holds the lab's SSH key: they are the admin
  const admin = (user: string) => consoleMode || isAdmin(config.admins, user);
  const labs = createLabs(start, {
    config,
    redis,
    log,
    edge,
    stores,
    png,
    admin,
    ...(consoleMode && { console: { lab: io.lab } }),
  });
  const core: Core = {
    config,
    log,
    inventory: start.first.inventory,
    redis,
    queue,
    watchQueue: createWatchQueue(redis, config.queuePrefix),
    stores,
    edge,
    labs,
    chart: offsetChartOf(stores.offsetHistory, config.drift, png),
    ...(pager && pd && { pager: { send: pager.send, routingKey: pd.routingKey } }),
    admin,
    home: homeOf({ labs, queue, stores, inventory: start.first.inventory }),
  };

  const workers = workerRedis ? await startWorkerRole(core, workerRedis) : undefined;
  const watches =
    workers && workerRedis
      ? watchRunner(() => startWatchRole(core, workerRedis, workers.sshFor, workers.slotsFor))
      : undefined;
  await watches?.start();
  const commands = gatedCommands(core);
  const http =
    role !== 'worker' && config.slack.mode !== 'console'
      ? await startBotRole(core, config.slack, commands)
      : role === 'worker' && workerRedis && config.workerPort !== undefined
        ? await startWorkerHealth(core, workerRedis, config.workerPort)
        : undefined;

  const closers: Closer[] = [
    ...(http?.closers ?? []),
    async () => watches?.stop(),
    () => png.close(),
    async () => pager?.close(),
    ...(workers?.closers ?? []),
    () => core.watchQueue.close(),
    () => queue.close(),
    () => redis.quit(),
    async () => workerRedis?.quit(),
  ];
  const stop = once(async () => {
    log.info('shutting down');
    for (const close of closers)
      await close().catch((err) => log.warn({ msg: (err as Error).message }, 'close failed'));
  });
  const { view } = core.edge;
  const terminal = io.stdout as NodeJS.WritableStream;
  const consoleDone =
    view && role === 'all'
      ? runConsoleRole(core, view, commands, { stdin: io.stdin, terminal, first: io.commands }).then(() => {
          const n = logFile?.lines() ?? 0;
          if (n > 0) process.stderr.write(`(${n} log line${n === 1 ? '' : 's'} in ${logPath})\n`);
        })
      : undefined;
  const reload = reloadOf(labs, watches, log);
  return { consoleDone, httpPort: http?.httpPort, stop, reload };
}
