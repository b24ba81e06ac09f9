import { App, HTTPReceiver } from '@slack/bolt';
import type { HomeView } from '@slack/types';
import { boundRespond, slackClientOptions } from '../chat/slack-client.js';
import type { Config } from '../config.js';
import type { Route } from '../http/route.js';
import { MountedReceiver, slackEventsRoute } from '../http/slack-events-route.js';
import { CANCEL_JOB_ACTION } from '../jobs/render-jobs.js';
import type { Logger } from '../log/logger.js';
import { ALERT_ACTION_PREFIX } from '../watch/render-alert-actions.js';
import { boltLogger } from './bolt-logger.js';
import type { DispatchResult, Requester } from './dispatch.js';
import { CANCEL_ACTION, CONFIRM_ACTION } from './render-plan.js';

type SlackConfig = Exclude<Config['slack'], { mode: 'console' }>;

export interface SlackAppDeps {
  dispatch(text: string, who: Requester): Promise<DispatchResult>;
  /** Confirm (yes) or Cancel a plan from its buttons. */
  decide(planId: string, user: string, yes: boolean): Promise<DispatchResult>;
  /** The Cancel button of a running job in `/lab jobs`. */
  cancelJob?(jobId: string, who: Requester): Promise<DispatchResult>;
  /** A drift alert's buttons (Acknowledge, Silence, Chart): the action id and the host it names. */
  alertAction?(actionId: string, host: string, who: Requester): Promise<DispatchResult>;
  /** The App Home tab for a user who opened it (published with views.publish). */
  home?(user: string): Promise<HomeView>;
  log: Logger;
}

/**
 * The Bolt app, Socket Mode or HTTP (Events API style). Bolt runs no HTTP server of its own: in HTTP mode its receiver
 * is mounted on labops' server as the POST /slack/events route returned here (src/http).
 */
export function createSlackApp(slack: SlackConfig, deps: SlackAppDeps): { app: App; routes: Route[] } {
  const common = {
    token: slack.botToken,
    logger: boltLogger(deps.log),
    clientOptions: slackClientOptions(slack.calls, slack.apiUrl),
  };
  const receiver =
    slack.mode === 'http'
      ? new MountedReceiver(new HTTPReceiver({ signingSecret: slack.signingSecret, logger: common.logger }))
      : undefined;
  const app =
    slack.mode === 'socket'
      ? new App({ ...common, socketMode: true, appToken: slack.appToken })
      : new App({ ...common, receiver });
  boundRespond(app, slack.calls.timeoutMs);

  app.command('/lab', async ({ ack, command, respond }) => {
    await ack(); // Slack allows 3 s; everything after this may take longer
    const who = { user: command.user_id, channel: command.channel_id };
    let result: DispatchResult;
    try {
      result = await deps.dispatch(command.text ?? '', who);
    } catch (err) {
      deps.log.error({ err, user: who.user }, 'command failed before it was queued');
      result = {
        kind: 'reply',
        message: {
          text: 'labops could not queue that command (its job queue does not answer). Try again in a minute; if it persists, tell the lab admins to check Redis.',
        },
      };
    }
    if (result.kind === 'reply') {
      await respond({ response_type: 'ephemeral', text: result.message.text, blocks: result.message.blocks });
    }
  });
  for (const [action, yes] of [
    [CONFIRM_ACTION, true],
    [CANCEL_ACTION, false],
  ] as const) {
    app.action(
      { type: 'block_actions', action_id: action },
      async ({ ack, body, action: clicked, respond }) => {
        await ack();
        const planId = clicked.type === 'button' ? (clicked.value ?? '') : '';
        let result: DispatchResult;
        try {
          result = await deps.decide(planId, body.user.id, yes);
        } catch (err) {
          deps.log.error({ err, user: body.user.id, planId }, 'confirm/cancel failed');
          result = {
            kind: 'reply',
            message: {
              text: 'labops could not act on that click (its queue does not answer). Try again in a minute.',
            },
          };
        }
        if (result.kind === 'reply') {
          await respond({ response_type: 'ephemeral', replace_original: false, text: result.message.text });
        }
      },
    );
  }
  const { cancelJob, home, alertAction } = deps;
  if (alertAction) {
    app.action(
      { type: 'block_actions', action_id: new RegExp(`^${ALERT_ACTION_PREFIX}`) },
      async ({ ack, body, action, respond }) => {
        await ack();
        const host = action.type === 'button' ? (action.value ?? '') : '';
        const actionId = action.type === 'button' ? action.action_id : '';
        // what the button starts answers in the alert's thread (the alert's own, or the one it is a reply in)
        const message = body.type === 'block_actions' ? body.message : undefined;
        const thread = message?.thread_ts ?? message?.ts;
        const who = {
          user: body.user.id,
          channel: body.channel?.id ?? '',
          ...(typeof thread === 'string' && { thread }),
        };
        const result = await alertAction(actionId, host, who).catch((err: Error) => {
          deps.log.error({ msg: err.message, actionId }, 'alert action failed');
          return {
            kind: 'reply',
            message: {
              text: 'labops could not act on that alert (Redis or Slack did not answer). Try again in a minute.',
            },
          } as const;
        });
        if (result.kind === 'reply')
          await respond({ response_type: 'ephemeral', replace_original: false, text: result.message.text });
      },
    );
  }
  if (cancelJob) {
    app.action(
      { type: 'block_actions', action_id: CANCEL_JOB_ACTION },
      async ({ ack, body, action, respond }) => {
        await ack();
        const jobId = action.type === 'button' ? (action.value ?? '') : '';
        const who = { user: body.user.id, channel: body.channel?.id ?? '' };
        const result = await cancelJob(jobId, who).catch((err: Error) => {
          deps.log.error({ msg: err.message, jobId }, 'cancel failed');
          return {
            kind: 'reply',
            message: {
              text: 'labops could not cancel that job (its queue does not answer). Try again in a minute.',
            },
          } as const;
        });
        if (result.kind === 'reply')
          await respond({ response_type: 'ephemeral', replace_original: false, text: result.message.text });
      },
    );
  }
  if (home) {
    app.event('app_home_opened', async ({ event, client }) => {
      if (event.tab !== 'home') return;
      await home(event.user)
        .then((view) => client.views.publish({ user_id: event.user, view }))
        .catch((err: Error) => deps.log.warn({ msg: err.message }, 'App Home not published'));
    });
  }
  app.error(async (err) => {
    deps.log.error({ code: err.code, msg: err.message }, 'Slack listener error');
  });
  return { app, routes: receiver ? [slackEventsRoute(receiver, deps.log)] : [] };
}
