import { App, type CustomRoute } from '@slack/bolt';
import type { Config } from '../config.js';
import type { Logger } from '../log/logger.js';
import { boltLogger } from './bolt-logger.js';
import type { DispatchResult, Requester } from './dispatch.js';
import { CANCEL_ACTION, CONFIRM_ACTION } from './render-plan.js';

type SlackConfig = Exclude<Config['slack'], { mode: 'console' }>;

export interface SlackAppDeps {
  dispatch(text: string, who: Requester): Promise<DispatchResult>;
  /** Confirm (yes) or Cancel a plan from its buttons. */
  decide(planId: string, user: string, yes: boolean): Promise<DispatchResult>;
  /** True once Redis and the queues answer. */
  healthy(): Promise<boolean>;
  log: Logger;
}

/** The Bolt app: HTTP (Events API style, /slack/events) or Socket Mode, plus GET /healthz on the same port. */
export function createSlackApp(slack: SlackConfig, port: number, deps: SlackAppDeps): App {
  const healthz: CustomRoute = {
    path: '/healthz',
    method: ['GET'],
    handler: (_req, res) => {
      deps.healthy().then(
        (ok) => {
          res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
          res.end(ok ? 'ok\n' : 'not ready: Redis or the queue does not answer\n');
        },
        () => {
          res.writeHead(503);
          res.end('not ready\n');
        },
      );
    },
  };
  const common = {
    token: slack.botToken,
    logger: boltLogger(deps.log),
    customRoutes: [healthz],
    clientOptions: slack.apiUrl ? { slackApiUrl: slack.apiUrl } : undefined,
  };
  const app =
    slack.mode === 'socket'
      ? new App({ ...common, socketMode: true, appToken: slack.appToken, installerOptions: { port } })
      : new App({ ...common, signingSecret: slack.signingSecret, port });

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
  app.error(async (err) => {
    deps.log.error({ code: err.code, msg: err.message }, 'Slack listener error');
  });
  return app;
}
