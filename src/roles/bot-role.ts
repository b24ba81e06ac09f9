import type { Queue } from 'bullmq';
import type { GatedCommands } from '../bot/lab-gate.js';
import { createSlackApp } from '../bot/slack-app.js';
import type { Config } from '../config.js';
import { type DashboardQueue, queueDashboardRoute } from '../dashboard/queue-dashboard.js';
import { alertmanagerRoute } from '../http/alertmanager-route.js';
import { healthRoutes } from '../http/health-routes.js';
import { startHttpServer } from '../http/http-server.js';
import { redisReadiness } from '../http/redis-readiness.js';
import { postAlertmanager, postAlertmanagerPerLab } from '../watch/alertmanager-post.js';
import { createWatchQueue } from '../watch/watch-queue.js';
import type { Closer } from './closers.js';
import type { Core } from './core.js';
import { labopsMetricsRoute } from './metrics.js';

type SlackConfig = Exclude<Config['slack'], { mode: 'console' }>;

/**
 * The bot role in Slack (Socket Mode or HTTP): Bolt's listeners, and labops' own HTTP server for Slack's events
 * (HTTP mode), /healthz, /readyz, /metrics and the dashboard. Its closers stop listening first.
 */
export async function startBotRole(core: Core, slack: SlackConfig, commands: GatedCommands) {
  const { config, log, stores } = core;
  const slackApp = createSlackApp(slack, {
    dispatch: commands.handle,
    decide: commands.decide,
    cancelJob: commands.cancelJob,
    alertAction: commands.alertAction,
    home: async (user: string) => {
      await stores.homeViewers.seen(user, Date.now());
      return core.home(user);
    },
    log,
  });
  const dashboard = dashboardQueues(core);
  // labops' own server: no request can throw out of a handler here (src/http/http-server.ts)
  const http = await startHttpServer({
    host: config.httpHost,
    port: config.port,
    log,
    routes: [
      ...healthRoutes(redisReadiness(core.redis)),
      labopsMetricsRoute(core),
      // Bull Board, read-only, behind basic auth; off unless LAB_DASHBOARD_USER/PASSWORD are set
      ...(config.dashboard ? [queueDashboardRoute(dashboard.queues, config.dashboard)] : []),
      ...slackApp.routes,
      // Alertmanager's webhook into the alert channel; off unless LAB_WEBHOOK_TOKEN and LAB_ALERT_CHANNEL are set
      // (with LAB_POLICY: LAB_WEBHOOK_TOKEN alone, and each alert goes to its host's lab's alert_channel)
      ...(config.webhookToken && core.labs.policy().fromFile
        ? [alertmanagerRoute(config.webhookToken, alertmanagerPerLab(core), log)]
        : config.webhookToken && config.alertChannel
          ? [alertmanagerRoute(config.webhookToken, alertmanagerTake(core, config.alertChannel), log)]
          : []),
    ],
  });
  await slackApp.app.start();
  log.info({ mode: slack.mode, host: config.httpHost, port: http.port }, 'labops bot started');
  const closers: Closer[] = [() => slackApp.app.stop(), () => http.close(), dashboard.close];
  return { httpPort: http.port, closers };
}

/**
 * The dashboard's queues: the command queue, and the drift watch's; under LAB_POLICY each lab's watch queue (each
 * named ntp-watch under the lab's prefix), as the policy is now, and not the bare prefix's, which no lab uses.
 */
function dashboardQueues(core: Core) {
  const byPrefix = new Map<string, Queue>();
  const watchOf = (prefix: string) => {
    const known = byPrefix.get(prefix);
    if (known) return known;
    const made = createWatchQueue(core.redis, prefix);
    byPrefix.set(prefix, made);
    return made;
  };
  return {
    queues: (): DashboardQueue[] => {
      const policy = core.labs.policy();
      if (!policy.fromFile) return [{ queue: core.queue }, { queue: core.watchQueue }];
      const labs = [...policy.labs.values()];
      return [
        { queue: core.queue },
        ...labs.map((lab) => ({ queue: watchOf(lab.keyPrefix), lab: lab.name })),
      ];
    },
    close: async () => {
      await Promise.all([...byPrefix.values()].map((q) => q.close()));
    },
  };
}

function alertmanagerTake(core: Core, channel: string) {
  const deps = {
    redis: core.redis,
    prefix: core.config.queuePrefix,
    chat: core.edge.chat,
    channel,
    hosts: () => [...core.inventory.hosts.values()],
  };
  return async (payload: Parameters<typeof postAlertmanager>[0]) => {
    await postAlertmanager(payload, deps);
    return undefined;
  };
}

/** LAB_POLICY: the labs of the policy as it is now (SIGHUP), each alert to its host's lab. */
function alertmanagerPerLab(core: Core) {
  const deps = {
    redis: core.redis,
    chat: core.edge.chat,
    labs: () =>
      [...core.labs.policy().labs.values()].map((lab) => ({
        name: lab.name,
        hosts: [...lab.inventory.hosts.values()],
        keyPrefix: lab.keyPrefix,
        ...(lab.alertChannel && { alertChannel: lab.alertChannel }),
      })),
    warn: (fields: object, msg: string) => core.log.warn(fields, msg),
  };
  return (payload: Parameters<typeof postAlertmanager>[0]) => postAlertmanagerPerLab(payload, deps);
}
