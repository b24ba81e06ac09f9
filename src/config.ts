import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { SlackCallLimits } from './chat/slack-client.js';

const slackId = z.string().regex(/^[UW][A-Z0-9]+$/, 'must be a Slack user id such as U012ABCDEF');
const optional = (schema: z.ZodString) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional()) as unknown as z.ZodOptional<z.ZodString>;
const intFrom = (fallback: number, min: number) =>
  z.coerce.number().int('must be a whole number').min(min, `must be at least ${min}`).default(fallback);

/** The environment labops reads, all of it. Nothing but this file reads process.env. */
export const EnvSchema = z
  .object({
    REDIS_URL: z
      .string()
      .url('must be a URL such as redis://127.0.0.1:6379')
      .refine((u) => /^rediss?:/.test(u), 'must start with redis:// or rediss://')
      .default('redis://127.0.0.1:6379'),
    SLACK_BOT_TOKEN: optional(z.string().startsWith('xoxb-', 'must be a bot token starting with xoxb-')),
    SLACK_SIGNING_SECRET: optional(z.string().min(8, 'looks too short for a signing secret')),
    SLACK_APP_TOKEN: optional(
      z.string().startsWith('xapp-', 'must be an app-level token starting with xapp-'),
    ),
    SLACK_API_URL: optional(z.string().url('must be a URL such as https://slack.com/api/')),
    LAB_SLACK_TIMEOUT_MS: intFrom(10_000, 100),
    LAB_SLACK_RETRIES: intFrom(2, 0).pipe(z.number().max(10, 'must be at most 10')),
    PORT: intFrom(3000, 0).pipe(z.number().max(65535, 'must be at most 65535')),
    LAB_WORKER_PORT: optional(z.string().regex(/^\d{1,5}$/, 'must be a port number')).pipe(
      z.coerce.number().max(65535, 'must be at most 65535').optional(),
    ),
    LAB_HTTP_HOST: optional(
      z
        .string()
        .regex(/^[A-Za-z0-9.:-]+$/, 'must be an address to listen on, such as 127.0.0.1, 0.0.0.0 or ::'),
    ),
    LAB_RATE_PER_MIN: intFrom(20, 0),
    LAB_MAX_WAITING_JOBS: intFrom(100, 0),
    LAB_INVENTORY: z.string().min(1).default('./inventory.yml'),
    LAB_POLICY: optional(z.string()),
    LAB_KNOWN_HOSTS: z
      .string()
      .min(1)
      .default(join(homedir(), '.ssh', 'known_hosts')),
    LAB_SSH_KEY: optional(z.string()),
    LAB_SSH_CONNECT_TIMEOUT_MS: intFrom(10_000, 100),
    LAB_SSH_COMMAND_TIMEOUT_MS: intFrom(30_000, 100),
    LAB_SSH_IDLE_MS: intFrom(300_000, 1000),
    LAB_SSH_CONCURRENCY: intFrom(50, 1),
    // off: the status command by plain exec each time, never the long-lived loop (hosts whose policy forbids it)
    LAB_SSH_STATUS_LOOP: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
    // unset: no ceiling (the start-up check still warns when the inventory cannot fit the fd limit)
    LAB_SSH_MAX_CONNECTIONS: optional(z.string().regex(/^\d+$/, 'must be a whole number')).pipe(
      z.coerce.number().int().min(1, 'must be at least 1').optional(),
    ),
    LAB_ALERT_CHANNEL: optional(z.string()),
    LAB_WEBHOOK_TOKEN: optional(z.string().min(16, 'must be at least 16 characters').max(200)),
    LAB_PAGERDUTY_ROUTING_KEY: optional(z.string().max(100)),
    LAB_PAGERDUTY_URL: z.string().url().default('https://events.pagerduty.com/v2/enqueue'),
    LAB_ADMINS: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      )
      .pipe(z.array(slackId)),
    LAB_DRIFT_WARN_MS: intFrom(50, 1),
    LAB_DRIFT_CRIT_MS: intFrom(500, 1),
    LAB_DRIFT_INTERVAL: intFrom(60, 1),
    LAB_DRIFT_CONFIRM: intFrom(2, 1),
    LAB_DRIFT_FLAP_CHANGES: intFrom(4, 1),
    LAB_DRIFT_FLAP_WINDOW_MINUTES: intFrom(60, 1),
    LAB_DRIFT_FLAP_STABLE: intFrom(10, 1),
    // minutes between reminders of an unacknowledged critical alert; 0 = never; fractions for tests
    LAB_DRIFT_REMIND_MINUTES: z.coerce.number().min(0).max(10_080).default(60),
    LAB_DRIFT_SHARD_SIZE: intFrom(100, 1).pipe(z.number().max(10_000, 'must be at most 10000')),
    // 0 = never shared; a check of LARGE_CHECK_ABOVE (100) hosts or fewer is never shared whatever this says
    LAB_NTP_SHARD_ABOVE: intFrom(500, 0),
    LAB_NTP_SHARDS: intFrom(8, 1).pipe(z.number().max(256, 'must be at most 256')),
    LAB_DRIFT_HISTORY_DAYS: intFrom(7, 1).pipe(z.number().max(90, 'must be at most 90')),
    LAB_CEPH_INTERVAL: intFrom(60, 1),
    LAB_QUEUE_PREFIX: z
      .string()
      .regex(/^[\w.-]+$/, 'letters, digits, dot, dash, underscore only')
      .default('labops'),
    LAB_WORKER_CONCURRENCY: intFrom(8, 1),
    LAB_SHUTDOWN_GRACE_MS: intFrom(20_000, 0),
    LAB_JOB_LOCK_MS: intFrom(30_000, 500),
    LAB_HOST_LOCK_MS: intFrom(60_000, 300),
    LAB_JOB_MAX_WAIT_MS: intFrom(600_000, 1000),
    LAB_AUDIT_MAXLEN: intFrom(10_000, 100),
    LAB_DASHBOARD_USER: optional(z.string()),
    LAB_DASHBOARD_PASSWORD: optional(z.string().min(12, 'must be at least 12 characters')),
    LAB_OPENSTACK_ADMIN_PASSWORD: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z
        .string()
        .regex(/^[^\r\n]{6,128}$/, 'must be 6 to 128 characters on one line')
        .optional(),
    ),
    LAB_OPENSTACK_ADMIN_PASSWORD_FILE: optional(z.string()),
    LAB_LOG_FILE: optional(z.string()),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: 'is required in HTTP mode (set it, or set SLACK_APP_TOKEN for Socket Mode)',
      });
    }
    if ((env.SLACK_APP_TOKEN || env.SLACK_SIGNING_SECRET) && !env.SLACK_BOT_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_BOT_TOKEN'],
        message: 'is required when Slack is configured',
      });
    }
    if (!env.LAB_DASHBOARD_USER !== !env.LAB_DASHBOARD_PASSWORD) {
      ctx.addIssue({
        code: 'custom',
        path: [env.LAB_DASHBOARD_USER ? 'LAB_DASHBOARD_PASSWORD' : 'LAB_DASHBOARD_USER'],
        message: 'set both LAB_DASHBOARD_USER and LAB_DASHBOARD_PASSWORD, or neither (no dashboard)',
      });
    }
    if (env.LAB_OPENSTACK_ADMIN_PASSWORD && env.LAB_OPENSTACK_ADMIN_PASSWORD_FILE) {
      ctx.addIssue({
        code: 'custom',
        path: ['LAB_OPENSTACK_ADMIN_PASSWORD_FILE'],
        message: 'set LAB_OPENSTACK_ADMIN_PASSWORD or LAB_OPENSTACK_ADMIN_PASSWORD_FILE, not both',
      });
    }
    if (env.LAB_DRIFT_CRIT_MS <= env.LAB_DRIFT_WARN_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['LAB_DRIFT_CRIT_MS'],
        message: 'must be above LAB_DRIFT_WARN_MS',
      });
    }
  });

export type SlackMode = 'http' | 'socket' | 'console';

export interface Config {
  redisUrl: string;
  slack:
    | { mode: 'console' }
    | { mode: 'http'; botToken: string; signingSecret: string; apiUrl?: string; calls: SlackCallLimits }
    | {
        mode: 'socket';
        botToken: string;
        appToken: string;
        signingSecret?: string;
        apiUrl?: string;
        calls: SlackCallLimits;
      };
  port: number;
  /** A worker-only process serves /healthz, /readyz and /metrics here (unset: a worker serves no HTTP). */
  workerPort?: number;
  /** Where the HTTP server listens: LAB_HTTP_HOST, else all interfaces in HTTP mode (Slack must reach it), loopback otherwise. */
  httpHost: string;
  /** Per-user commands that start a job, per minute, and jobs waiting in the queue; 0 = no limit. */
  limits: { commandsPerMinute: number; maxWaitingJobs: number };
  inventoryPath: string;
  /** LAB_POLICY: who may do what, where, and the labs (issue 15); unset = one lab from inventoryPath, LAB_ADMINS. */
  policyPath?: string;
  knownHostsPath: string;
  defaultKeyPath?: string;
  ssh: {
    connectTimeoutMs: number;
    commandTimeoutMs: number;
    idleMs: number;
    concurrency: number;
    /** SSH connections a worker keeps open at most (LAB_SSH_MAX_CONNECTIONS); unset = no ceiling. */
    maxConnections?: number;
    /** The status command over one long-lived loop channel a connection (LAB_SSH_STATUS_LOOP, default on). */
    loops: boolean;
  };
  alertChannel?: string;
  /** Bearer token of POST /hooks/alertmanager (LAB_WEBHOOK_TOKEN); unset = no such endpoint. */
  webhookToken?: string;
  /** PagerDuty's Events API v2 for critical drift alerts (LAB_PAGERDUTY_ROUTING_KEY; URL: LAB_PAGERDUTY_URL). */
  pagerDuty?: { routingKey: string; url: string };
  admins: readonly string[];
  drift: { warnMs: number; critMs: number };
  /**
   * The clock-drift watch: seconds between checks, checks a new state must hold before it is announced, and the
   * flapping rule (more than flapChanges announced changes within flapWindowMs: quiet until flapStableChecks agree).
   */
  watch: {
    intervalSeconds: number;
    confirmChecks: number;
    flapChanges: number;
    flapWindowMs: number;
    flapStableChecks: number;
    /** Between reminders of an unacknowledged critical alert, in its thread (LAB_DRIFT_REMIND_MINUTES); 0 = never. */
    remindMs: number;
    /**
     * A check's hosts are split into BullMQ jobs of at most this many (LAB_DRIFT_SHARD_SIZE), which several workers
     * share: each shard on one worker's slot queue, the same worker every check (src/queue/worker-slots.ts).
     */
    shardSize: number;
    /** How long each host's offset history is kept (LAB_DRIFT_HISTORY_DAYS). */
    historyMs: number;
  };
  /**
   * `/lab ntp status` over more than `above` hosts is shared by the worker processes: the hosts split into `shards`
   * jobs by a hash of their names (LAB_NTP_SHARD_ABOVE, 0 = never; LAB_NTP_SHARDS).
   */
  ntpShards: { above: number; shards: number };
  /** The Ceph watch: seconds between its health checks (LAB_CEPH_INTERVAL), when ceph_mons exists. */
  ceph: { intervalSeconds: number };
  queuePrefix: string;
  workerConcurrency: number;
  shutdownGraceMs: number;
  /**
   * BullMQ lock of a running job: a worker that dies is noticed after about twice this, and its job handed on. Also
   * the life of a watch worker's slot claim (renewed every third): a dead worker's slot is adopted after this.
   */
  jobLockMs: number;
  /** A change's host locks live this long unless its job renews them: a dead worker's hosts free after this. */
  hostLockMs: number;
  /** A job not started within this of being queued is dropped with a message, never run by surprise later. */
  jobMaxWaitMs: number;
  /** Entries the audit stream keeps (XADD MAXLEN ~). */
  auditMaxLen: number;
  /** Bull Board at /admin/queues behind basic auth; unset = no dashboard. */
  dashboard?: { user: string; password: string };
  /** /lab deploy openstack: the admin password packstack sets (from the variable or the file). */
  openstack: { adminPassword?: string };
  logLevel?: string;
  /** Console mode: where its human-readable log lines go (the terminal keeps the transcript). */
  logFile?: string;
}

/** Thrown with one line per bad variable, so start-up fails fast and says what to fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(environment)'}: ${i.message}`);
    throw new ConfigError(`labops cannot start, the environment has bad values:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const adminPassword =
    e.LAB_OPENSTACK_ADMIN_PASSWORD ?? readPasswordFile(e.LAB_OPENSTACK_ADMIN_PASSWORD_FILE);
  // every Web API call and response_url post: a timeout per request, a few retries (LAB_SLACK_*)
  const calls = { timeoutMs: e.LAB_SLACK_TIMEOUT_MS, retries: e.LAB_SLACK_RETRIES };
  const slack: Config['slack'] = !e.SLACK_BOT_TOKEN
    ? { mode: 'console' }
    : e.SLACK_APP_TOKEN
      ? {
          mode: 'socket',
          botToken: e.SLACK_BOT_TOKEN,
          appToken: e.SLACK_APP_TOKEN,
          signingSecret: e.SLACK_SIGNING_SECRET,
          apiUrl: e.SLACK_API_URL,
          calls,
        }
      : {
          mode: 'http',
          botToken: e.SLACK_BOT_TOKEN,
          signingSecret: e.SLACK_SIGNING_SECRET as string,
          apiUrl: e.SLACK_API_URL,
          calls,
        };
  return Object.freeze({
    redisUrl: e.REDIS_URL,
    slack,
    port: e.PORT,
    ...(e.LAB_WORKER_PORT !== undefined && { workerPort: e.LAB_WORKER_PORT }),
    httpHost: e.LAB_HTTP_HOST ?? (slack.mode === 'http' ? '0.0.0.0' : '127.0.0.1'),
    limits: { commandsPerMinute: e.LAB_RATE_PER_MIN, maxWaitingJobs: e.LAB_MAX_WAITING_JOBS },
    inventoryPath: e.LAB_INVENTORY,
    ...(e.LAB_POLICY && { policyPath: e.LAB_POLICY }),
    knownHostsPath: e.LAB_KNOWN_HOSTS,
    defaultKeyPath: e.LAB_SSH_KEY,
    ssh: {
      connectTimeoutMs: e.LAB_SSH_CONNECT_TIMEOUT_MS,
      commandTimeoutMs: e.LAB_SSH_COMMAND_TIMEOUT_MS,
      idleMs: e.LAB_SSH_IDLE_MS,
      concurrency: e.LAB_SSH_CONCURRENCY,
      loops: e.LAB_SSH_STATUS_LOOP === 'on',
      ...(e.LAB_SSH_MAX_CONNECTIONS !== undefined && { maxConnections: e.LAB_SSH_MAX_CONNECTIONS }),
    },
    alertChannel: e.LAB_ALERT_CHANNEL,
    ...(e.LAB_WEBHOOK_TOKEN && { webhookToken: e.LAB_WEBHOOK_TOKEN }),
    ...(e.LAB_PAGERDUTY_ROUTING_KEY && {
      pagerDuty: { routingKey: e.LAB_PAGERDUTY_ROUTING_KEY, url: e.LAB_PAGERDUTY_URL },
    }),
    admins: Object.freeze([...e.LAB_ADMINS]),
    drift: { warnMs: e.LAB_DRIFT_WARN_MS, critMs: e.LAB_DRIFT_CRIT_MS },
    watch: {
      intervalSeconds: e.LAB_DRIFT_INTERVAL,
      confirmChecks: e.LAB_DRIFT_CONFIRM,
      flapChanges: e.LAB_DRIFT_FLAP_CHANGES,
      flapWindowMs: e.LAB_DRIFT_FLAP_WINDOW_MINUTES * 60_000,
      flapStableChecks: e.LAB_DRIFT_FLAP_STABLE,
      remindMs: Math.round(e.LAB_DRIFT_REMIND_MINUTES * 60_000),
      shardSize: e.LAB_DRIFT_SHARD_SIZE,
      historyMs: e.LAB_DRIFT_HISTORY_DAYS * 24 * 3600_000,
    },
    ntpShards: { above: e.LAB_NTP_SHARD_ABOVE, shards: e.LAB_NTP_SHARDS },
    ceph: { intervalSeconds: e.LAB_CEPH_INTERVAL },
    queuePrefix: e.LAB_QUEUE_PREFIX,
    workerConcurrency: e.LAB_WORKER_CONCURRENCY,
    shutdownGraceMs: e.LAB_SHUTDOWN_GRACE_MS,
    jobLockMs: e.LAB_JOB_LOCK_MS,
    hostLockMs: e.LAB_HOST_LOCK_MS,
    jobMaxWaitMs: e.LAB_JOB_MAX_WAIT_MS,
    auditMaxLen: e.LAB_AUDIT_MAXLEN,
    dashboard:
      e.LAB_DASHBOARD_USER && e.LAB_DASHBOARD_PASSWORD
        ? { user: e.LAB_DASHBOARD_USER, password: e.LAB_DASHBOARD_PASSWORD }
        : undefined,
    openstack: { adminPassword },
    logLevel: e.LOG_LEVEL,
    logFile: e.LAB_LOG_FILE,
  });
}

/** The first line of a password file (a Docker or systemd secret); the problem, never the content, on failure. */
function readPasswordFile(path: string | undefined): string | undefined {
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `labops cannot start, the environment has bad values:\n  LAB_OPENSTACK_ADMIN_PASSWORD_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const password = text.split(/\r?\n/)[0] ?? '';
  if (password.length < 6 || password.length > 128)
    throw new ConfigError(
      `labops cannot start, the environment has bad values:\n  LAB_OPENSTACK_ADMIN_PASSWORD_FILE: the first line of ${path} must be 6 to 128 characters`,
    );
  return password;
}
