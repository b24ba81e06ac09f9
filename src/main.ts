import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { Job, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { auditCommands } from './audit/audit-commands.js';
import { AuditLog } from './audit/audit-log.js';
import { type ConfirmDeps, cancelPlan, confirmPlan } from './bot/confirm.js';
import { dispatch, type Requester } from './bot/dispatch.js';
import { metricsRoute } from './bot/metrics-route.js';
import { answerWhenQueueDown } from './bot/not-started.js';
import { isAdmin } from './bot/permissions.js';
import { type QuickHandler, quickCommands } from './bot/quick-commands.js';
import { createSlackApp } from './bot/slack-app.js';
import { createConsoleFileSink } from './chat/console-file-sink.js';
import { createConsoleSink } from './chat/console-sink.js';
import type { FileSink } from './chat/file-sink.js';
import { withLongOutput } from './chat/long-output-sink.js';
import type { ChatSink } from './chat/sink.js';
import { createSlackFileSink } from './chat/slack-file-sink.js';
import { createSlackSink } from './chat/slack-sink.js';
import { ALL_TASKS, type QuickName } from './commands/index.js';
import { type Config, ConfigError } from './config.js';
import { runConsole } from './console/console-adapter.js';
import type { ConsoleView } from './console/console-view.js';
import { type ConsoleOutput, createConsoleView } from './console/create-view.js';
import { queueDashboardRoute } from './dashboard/queue-dashboard.js';
import { doctorCommandHandlers } from './doctor/doctor-handler.js';
import { runDoctor } from './doctor/run-doctor.js';
import { createHomeRefresher, HOME_REFRESH_MS } from './home/home-refresh.js';
import { homeView } from './home/home-view.js';
import { HomeViewers } from './home/home-viewers.js';
import { NtpLastStates } from './home/ntp-last-state.js';
import { healthRoutes } from './http/health-routes.js';
import { startHttpServer } from './http/http-server.js';
import { redisReadiness } from './http/redis-readiness.js';
import { loadInventory } from './inventory/index.js';
import { cancelJob } from './jobs/cancel-job.js';
import { CancelRequests } from './jobs/cancel-requests.js';
import { opsCommandHandlers } from './jobs/ops-commands.js';
import { CommandBudget } from './limits/command-budget.js';
import { limitCommands } from './limits/command-limits.js';
import { humanLogFile } from './log/human-log.js';
import { createLogger } from './log/logger.js';
import { HostLocks } from './queue/host-locks.js';
import { createJobsEvents, createJobsQueue } from './queue/jobs-queue.js';
import { PlanStore } from './queue/plan-store.js';
import { createExecStream } from './ssh/exec-stream.js';
import { SshPool } from './ssh/ssh-pool.js';
import { deliver } from './watch/deliver.js';
import { ntpHosts } from './watch/ntp-hosts.js';
import { offsetChartOf } from './watch/offset-chart-of.js';
import { OffsetHistory } from './watch/offset-history.js';
import { runTick } from './watch/run-tick.js';
import { watchCommandHandlers } from './watch/watch-commands.js';
import { createWatchMetrics } from './watch/watch-metrics.js';
import { createWatchQueue, createWatchWorker, scheduleWatch, unscheduleWatch } from './watch/watch-queue.js';
import { WatchStore } from './watch/watch-store.js';
import { createTaskWorker } from './workers/task-worker.js';

export type Role = 'all' | 'bot' | 'worker';

export interface LabopsIo {
  stdin: Readable & { isTTY?: boolean };
  /** A terminal (isTTY) gets answers redrawn in place; anything else a transcript. */
  stdout: ConsoleOutput;
  /** Console mode: commands run before the first line of stdin (the demo's opening ones). */
  commands?: readonly string[];
  /** Where the JSON log goes; stderr when unset (tests capture it). */
  log?: { write(line: string): unknown };
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
  // console mode: the terminal holds the transcript; human-readable warnings and errors go to a file
  const logPath = config.logFile ?? join(tmpdir(), 'labops-console.log');
  const logFile = consoleMode && !io.log ? humanLogFile(logPath) : undefined;
  const log = createLogger(config.logLevel ?? (consoleMode ? 'warn' : 'info'), io.log ?? logFile);
  const inventory = await loadInventory(config.inventoryPath, {
    user: userInfo().username,
    keyPath: config.defaultKeyPath,
  });
  const redis = await connectRedis(config.redisUrl, 'fail-fast');
  // BullMQ's workers block on Redis and must wait across reconnects; everything else fails fast (issue 11)
  const workerRedis = role === 'bot' ? undefined : await connectRedis(config.redisUrl, 'wait');
  const queue = createJobsQueue(redis, config.queuePrefix);
  await queue.waitUntilReady();

  const plans = new PlanStore(redis, config.queuePrefix);
  const locks = new HostLocks(redis, config.queuePrefix, config.hostLockMs);
  const audit = new AuditLog(redis, config.queuePrefix, log, config.auditMaxLen);
  const cancels = new CancelRequests(redis, config.queuePrefix);
  const lastNtp = new NtpLastStates(redis, config.queuePrefix);
  const homeViewers = new HomeViewers(redis, config.queuePrefix);
  const home = () => homeView({ inventory, last: lastNtp, queue, now: Date.now });
  // the console operator runs labops on a machine that holds the lab's SSH key: they are the admin
  const admin = (user: string) => consoleMode || isAdmin(config.admins, user);

  const closers: Array<() => Promise<unknown>> = [];
  const slack =
    config.slack.mode === 'console'
      ? undefined
      : new WebClient(config.slack.botToken, config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {});
  const view = consoleMode ? createConsoleView(io.stdout) : undefined;
  const chat: ChatSink = view ? createConsoleSink(view) : createSlackSink(slack as WebClient);
  const files: FileSink = view
    ? createConsoleFileSink(join(tmpdir(), 'labops-files'), view)
    : createSlackFileSink(slack as WebClient);
  const mention = (user: string) => (consoleMode ? user : `<@${user}>`);

  // the clock-drift watch: records and offset history in Redis, one check per tick of a BullMQ job scheduler
  const watchStore = new WatchStore(redis, config.queuePrefix);
  const offsetHistory = new OffsetHistory(redis, config.queuePrefix);
  const watchQueue = createWatchQueue(redis, config.queuePrefix);
  const chart = offsetChartOf(offsetHistory, config.drift);
  const { confirmChecks, flapChanges, flapWindowMs, flapStableChecks } = config.watch;
  const watchRules = { confirmChecks, flapChanges, flapWindowMs, flapStableChecks };

  let worker: Worker | undefined;
  if (workerRedis) {
    const ssh = new SshPool({ knownHostsPath: config.knownHostsPath, ...config.ssh });
    worker = createTaskWorker({
      connection: workerRedis,
      prefix: config.queuePrefix,
      concurrency: config.workerConcurrency,
      tasks: ALL_TASKS,
      inventory: () => inventory,
      ssh,
      chat: consoleMode ? chat : withLongOutput(chat, files, log),
      plans,
      locks,
      settings: { drift: config.drift, openstack: config.openstack },
      execStream: createExecStream({
        knownHostsPath: config.knownHostsPath,
        connectTimeoutMs: config.ssh.connectTimeoutMs,
      }),
      files,
      cancels,
      audit,
      lockMs: config.jobLockMs,
      onCompleted: (job, result) =>
        job.name === 'ntp.status' ? lastNtp.record(result, job.finishedOn ?? Date.now()) : Promise.resolve(),
      log,
    });
    // the App Home of whoever opened it lately follows the jobs and the hosts' last NTP states
    if (slack) {
      const homes = createHomeRefresher({
        viewers: () => homeViewers.recent(Date.now()),
        view: home,
        publish: (user, view) => slack.views.publish({ user_id: user, view }),
        claim: (windowMs) => homeViewers.claimRefresh(windowMs),
        debounceMs: HOME_REFRESH_MS,
        log,
      });
      for (const event of ['active', 'completed', 'failed'] as const) worker.on(event, () => homes.request());
      closers.push(async () => homes.stop());
    }
    // a cancel reaches every worker; the one running the job aborts its signal
    const stopCancels = await new CancelRequests(workerRedis, config.queuePrefix).listen((jobId, reason) =>
      worker?.cancelJob(jobId, reason),
    );
    closers.push(
      () => closeWorker(worker, config.shutdownGraceMs),
      () => ssh.close(),
      stopCancels,
    );
    const alertChannel = config.alertChannel;
    if (alertChannel) {
      const deliverDeps = { store: watchStore, chat, files, channel: alertChannel, chart, rules: watchRules };
      const watchWorker = createWatchWorker({
        connection: workerRedis,
        prefix: config.queuePrefix,
        log,
        tick: (signal) =>
          runTick({
            store: watchStore,
            history: offsetHistory,
            inventory: () => inventory,
            ssh,
            thresholds: config.drift,
            rules: watchRules,
            lockTtlMs: 2 * (config.ssh.connectTimeoutMs + config.ssh.commandTimeoutMs) + 60_000,
            deliver: (records) => deliver(records, { ...deliverDeps, now: Date.now, log }),
            now: Date.now,
            log,
            signal,
          }),
      });
      await scheduleWatch(watchQueue, config.watch.intervalSeconds);
      // before the SSH pool closes: a check cut short would read as every host unreachable
      closers.unshift(() => closeWorker(watchWorker, config.shutdownGraceMs));
    } else {
      await unscheduleWatch(watchQueue);
    }
  }
  closers.push(() => watchQueue.close());

  const startWithinMs = config.jobMaxWaitMs;
  const deps = { inventory, queue, chat, locks, isAdmin: admin, startWithinMs, log };
  const taskNames = new Set(ALL_TASKS.map((t) => t.name));
  const opsDeps = {
    queue,
    cancels,
    chat,
    locks,
    isAdmin: admin,
    mention,
    audit,
    taskNames,
    now: Date.now,
    log,
  };
  const quick = quickCommands({
    ...opsCommandHandlers(opsDeps),
    ...watchCommandHandlers({
      store: watchStore,
      chart,
      inventory,
      chat,
      files,
      alertChannel: config.alertChannel,
      ...config.watch,
      isAdmin: admin,
      mention,
      now: Date.now,
      log,
    }),
    // /lab doctor: the checks of npm run doctor, for admins, the table in the thread
    ...doctorCommandHandlers({
      run: () => runDoctor(config, { manifestPath: MANIFEST, stepMs: 5000 }),
      chat: consoleMode ? chat : withLongOutput(chat, files, log),
      isAdmin: admin,
    }),
  } satisfies Record<QuickName, QuickHandler>); // every quick command of the registry has its handler
  const queueReady = () => redis.status === 'ready';
  // per-user budget and waiting-jobs cap for commands that start a job; off in console mode (one operator, at the lab)
  const { commandsPerMinute, maxWaitingJobs } = config.limits;
  const limits = {
    budget:
      consoleMode || commandsPerMinute === 0
        ? undefined
        : new CommandBudget(redis, config.queuePrefix, commandsPerMinute),
    waitingJobs: () => queue.getJobCountByTypes('waiting', 'prioritized'),
    maxWaitingJobs: consoleMode ? 0 : maxWaitingJobs,
    available: () => queueReady(),
    now: Date.now,
    log,
  };
  const handle = answerWhenQueueDown(
    auditCommands(
      limitCommands(
        async (text: string, who: Requester) => (await quick(text, who)) ?? dispatch(text, who, deps),
        limits,
      ),
      audit,
    ),
    queueReady,
  );
  const confirmDeps: ConfirmDeps = {
    plans,
    locks,
    queue,
    chat,
    isAdmin: admin,
    mention,
    audit,
    startWithinMs,
    log,
  };
  const decide = answerWhenQueueDown(
    (planId: string, user: string, yes: boolean) =>
      (yes ? confirmPlan : cancelPlan)(planId, user, confirmDeps),
    queueReady,
  );
  let app: App | undefined;
  let httpPort: number | undefined;
  if (role !== 'worker' && config.slack.mode !== 'console') {
    const slackApp = createSlackApp(config.slack, {
      dispatch: handle,
      decide,
      // the button is audited like the command it stands for
      cancelJob: (jobId, who) =>
        auditCommands((_t, w) => cancelJob(jobId, w, opsDeps), audit)(`cancel ${jobId}`, who),
      home: async (user) => {
        await homeViewers.seen(user, Date.now());
        return home();
      },
      log,
    });
    app = slackApp.app;
    // labops' own server: no request can throw out of a handler here (src/http/http-server.ts)
    const http = await startHttpServer({
      host: config.httpHost,
      port: config.port,
      log,
      routes: [
        ...healthRoutes(redisReadiness(redis)),
        metricsRoute(
          createWatchMetrics({
            hosts: () => ntpHosts(inventory).map((h) => h.name),
            store: watchStore,
            queues: [queue, watchQueue],
          }),
        ),
        // Bull Board, read-only, behind basic auth; off unless LAB_DASHBOARD_USER/PASSWORD are set
        ...(config.dashboard ? [queueDashboardRoute([queue, watchQueue], config.dashboard)] : []),
        ...slackApp.routes,
      ],
    });
    await app.start();
    httpPort = http.port;
    log.info({ mode: config.slack.mode, host: config.httpHost, port: httpPort, role }, 'labops bot started');
    closers.unshift(
      () => app?.stop() ?? Promise.resolve(),
      () => http.close(),
    );
  }
  closers.push(
    () => queue.close(),
    () => redis.quit(),
    async () => workerRedis?.quit(),
  );
  const stop = once(async () => {
    log.info('shutting down');
    for (const close of closers)
      await close().catch((err) => log.warn({ msg: (err as Error).message }, 'close failed'));
  });
  const consoleDone =
    view && role === 'all'
      ? runConsoleSession(config, redis, queue, handle, decide, io, view).then(() => {
          const n = logFile?.lines() ?? 0;
          if (n > 0) process.stderr.write(`(${n} log line${n === 1 ? '' : 's'} in ${logPath})\n`);
        })
      : undefined;
  return { consoleDone, httpPort, stop };
}

async function runConsoleSession(
  config: Readonly<Config>,
  redis: Redis,
  queue: ReturnType<typeof createJobsQueue>,
  handle: (text: string, who: Requester) => ReturnType<typeof dispatch>,
  decide: (planId: string, user: string, yes: boolean) => ReturnType<typeof dispatch>,
  io: LabopsIo,
  view: ConsoleView,
) {
  const events = createJobsEvents(redis.duplicate(WAIT), config.queuePrefix);
  await events.waitUntilReady();
  await runConsole({
    input: io.stdin,
    view,
    first: io.commands,
    // readline's line editing and prompt only when a person types at a terminal that shows the live view
    terminal: view.terminal && io.stdin.isTTY === true ? (io.stdout as NodeJS.WritableStream) : undefined,
    dispatch: handle,
    decide,
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

/** The Slack app manifest whose scopes the doctor expects the bot token to have. */
const MANIFEST = new URL('../slack-app-manifest.yml', import.meta.url).pathname;

// maxRetriesPerRequest null: BullMQ's blocking commands must wait across reconnects, not fail
const WAIT = { maxRetriesPerRequest: null, enableOfflineQueue: true, commandTimeout: undefined };
// the bot's commands: an answer within seconds while Redis is down, and nothing buffered to run when it returns
const FAIL_FAST = { maxRetriesPerRequest: 0, enableOfflineQueue: false, commandTimeout: 3000 };

async function connectRedis(url: string, mode: 'wait' | 'fail-fast'): Promise<Redis> {
  const redis = new Redis(url, { ...(mode === 'wait' ? WAIT : FAIL_FAST), lazyConnect: true });
  redis.on('error', () => undefined); // reconnects on its own; readiness is reported by /readyz
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
