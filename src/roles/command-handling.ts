import { auditCommands } from '../audit/audit-commands.js';
import { type ConfirmDeps, cancelPlan, confirmPlan } from '../bot/confirm.js';
import { type DispatchResult, dispatch, type Requester } from '../bot/dispatch.js';
import type { LabCommands } from '../bot/lab-gate.js';
import { answerWhenQueueDown } from '../bot/not-started.js';
import { type QuickHandler, quickCommands } from '../bot/quick-commands.js';
import { withLongOutput } from '../chat/long-output-sink.js';
import { ALL_TASKS, type QuickName } from '../commands/index.js';
import { doctorCommandHandlers } from '../doctor/doctor-handler.js';
import { runDoctor } from '../doctor/run-doctor.js';
import { cancelJob } from '../jobs/cancel-job.js';
import { opsCommandHandlers } from '../jobs/ops-commands.js';
import { CommandBudget } from '../limits/command-budget.js';
import { limitCommands } from '../limits/command-limits.js';
import { chartInThread } from '../watch/alert-chart.js';
import { cephClusterName } from '../watch/ceph-cluster-name.js';
import { ackEvent, cephAckEvent } from '../watch/pagerduty-event.js';
import { ALERT_ACTION_PREFIX, alertCommand } from '../watch/render-alert-actions.js';
import type { WatchCommandDeps } from '../watch/watch-command-deps.js';
import { watchCommandHandlers } from '../watch/watch-commands.js';
import type { Core } from './core.js';
import type { LabRuntime } from './labs.js';

export interface CommandHandling extends LabCommands {
  /** A `/lab` command: a quick answer, or a job on the queue; limited, audited, and answered while Redis is down. */
  handle(text: string, who: Requester): Promise<DispatchResult>;
  /** Confirm (yes) or Cancel a plan. */
  decide(planId: string, user: string, yes: boolean): Promise<DispatchResult>;
  /** The Cancel button of a running job, audited like `/lab cancel`. */
  cancelJob(jobId: string, who: Requester): Promise<DispatchResult>;
  /** A drift alert's button: Acknowledge and Silence run as the command they stand for; Chart posts in the thread. */
  alertAction(actionId: string, host: string, who: Requester): Promise<DispatchResult>;
}

/** The Slack app manifest whose scopes the doctor expects the bot token to have. */
const MANIFEST = new URL('../../slack-app-manifest.yml', import.meta.url).pathname;

/**
 * How the bot (Slack or console) answers what people type and click in one lab: its hosts, its stores (locks,
 * audit trail, drift watch), its admins. The lab gate (src/bot/lab-gate.ts) picks the lab and checks roles first.
 */
export function commandHandling(core: Core, rt: LabRuntime): CommandHandling {
  const { config, log, queue, redis, edge } = core;
  const { lab, stores } = rt;
  const { plans, cancels } = core.stores; // plans and cancels are shared: a click or a cancel names its own
  const consoleMode = !edge.slack;
  const { chat, mention } = edge;
  const startWithinMs = config.jobMaxWaitMs;
  const isAdmin = rt.isAdmin;
  const named = core.labs.policy().fromFile ? lab.name : undefined;
  const opsDeps = {
    queue,
    ...(named && { lab: named }),
    cancels,
    chat,
    locks: stores.locks,
    isAdmin,
    mention,
    audit: stores.audit,
    taskNames: new Set(ALL_TASKS.map((t) => t.name)),
    now: Date.now,
    log,
  };
  const { pager } = core;
  const watchDeps: WatchCommandDeps = {
    ...(pager && {
      onAck: (incident: string) => pager.send(ackEvent(incident, pager.routingKey)),
      onCephAck: (incident: string) =>
        pager.send(cephAckEvent(cephClusterName(lab.inventory), incident, pager.routingKey)),
    }),
    store: stores.watchStore,
    silences: stores.silences,
    cephStore: stores.cephStore,
    chart: rt.chart,
    inventory: lab.inventory,
    chat,
    files: edge.files,
    alertChannel: lab.alertChannel,
    ...config.watch,
    isAdmin,
    mention,
    now: Date.now,
    log,
  };
  const quick = quickCommands({
    ...opsCommandHandlers(opsDeps),
    ...watchCommandHandlers(watchDeps),
    // /lab doctor: the checks of npm run doctor, for admins, the table in the thread
    ...doctorCommandHandlers({
      run: () => runDoctor(config, { manifestPath: MANIFEST, stepMs: 5000 }),
      chat: consoleMode ? chat : withLongOutput(chat, edge.files, log),
      isAdmin,
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
    available: queueReady,
    now: Date.now,
    log,
  };
  const dispatchDeps = {
    inventory: lab.inventory,
    ...(named && { lab: named, rolesChecked: true }),
    ...(rt.confirm && { confirmNote: rt.confirm.note }),
    queue,
    chat,
    locks: stores.locks,
    isAdmin,
    startWithinMs,
    log,
  };
  const handle = answerWhenQueueDown(
    auditCommands(
      limitCommands(
        async (text: string, who: Requester) => (await quick(text, who)) ?? dispatch(text, who, dispatchDeps),
        limits,
      ),
      stores.audit,
    ),
    queueReady,
  );
  const { locks, audit } = stores;
  const confirmDeps: ConfirmDeps = {
    plans,
    locks,
    audit,
    queue,
    chat,
    isAdmin,
    ...(rt.confirm && { mayConfirm: rt.confirm.may }),
    mention,
    startWithinMs,
    log,
  };
  const decide = answerWhenQueueDown(
    (planId: string, user: string, yes: boolean) =>
      (yes ? confirmPlan : cancelPlan)(planId, user, confirmDeps),
    queueReady,
  );
  return {
    audit: stores.audit,
    handle,
    decide,
    cancelJob: (jobId, who) =>
      auditCommands((_t, w) => cancelJob(jobId, w, opsDeps), stores.audit)(`cancel ${jobId}`, who),
    alertAction: async (actionId, host, who) => {
      if (actionId === `${ALERT_ACTION_PREFIX}chart`) return chartInThread(host, who, watchDeps);
      const text = alertCommand(actionId, host);
      return text
        ? handle(text, who)
        : { kind: 'reply', message: { text: 'That button is not one labops knows.' } };
    },
  };
}
