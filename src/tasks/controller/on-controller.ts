import { section } from '../../chat/blocks.js';
import { FINAL } from '../../chat/sink.js';
import type { Inventory, InventoryHost } from '../../inventory/index.js';
import type { TargetPayload } from '../target-payload.js';
import type { Plan, TaskContext } from '../task.js';
import { resolveController } from './controller.js';
import { type Failure, renderFailure, toFailure } from './failure.js';

/** What a controller command returns when it could not do its job. */
export interface ControllerFailed {
  controller: string | undefined;
  error: string;
}

/** "Network setup on ctl1"; "… on the controller" when the failure came before the controller was known. */
const titleOf = (what: string, host: InventoryHost | undefined) =>
  `${what} on ${host?.name ?? 'the controller'}`;

/** Resolves the controller and does work on it; a failure the user can act on goes to failed, a bug is thrown on. */
async function withController<T>(
  inventory: Inventory,
  target: string | undefined,
  work: (host: InventoryHost) => Promise<T>,
  failed: (failure: Failure, host: InventoryHost | undefined) => T | Promise<T>,
): Promise<T> {
  let host: InventoryHost | undefined;
  try {
    host = resolveController(inventory, target);
    return await work(host);
  } catch (err) {
    return failed(toFailure(err, host?.name), host);
  }
}

/**
 * The run of a controller command: posts `pending` (or takes the message the bot already posted), resolves the
 * controller and does work on it, given the message's ts to update. A failure the user can act on replaces the
 * message with "<what> on <controller>: failed" and the reason.
 */
export async function onController<T>(
  ctx: Pick<TaskContext<TargetPayload>, 'inventory' | 'payload' | 'chat' | 'log'>,
  pending: string,
  what: string,
  work: (host: InventoryHost, ts: string) => Promise<T>,
): Promise<T | ControllerFailed> {
  const { chat, payload, log } = ctx;
  const { channel } = payload.reply;
  const ts =
    payload.reply.messageTs ?? (await chat.post(channel, { text: pending, blocks: [section(pending)] })).ts;
  return withController<T | ControllerFailed>(
    ctx.inventory,
    payload.target,
    (host) => work(host, ts),
    async (failure, host) => {
      await chat.update(channel, ts, renderFailure(titleOf(what, host), failure), FINAL);
      log.warn({ controller: host?.name, what, msg: failure.message }, 'controller command failed');
      return { controller: host?.name, error: failure.message };
    },
  );
}

/** The plan of a changing controller command; a failure the user can act on is an empty plan that says why. */
export function planOnController(
  ctx: Pick<TaskContext<TargetPayload>, 'inventory' | 'payload'>,
  what: string,
  work: (host: InventoryHost) => Promise<Plan>,
): Promise<Plan> {
  return withController(ctx.inventory, ctx.payload.target, work, (failure, host) => ({
    message: renderFailure(titleOf(what, host), failure),
    hosts: host ? [host.name] : [],
    empty: true,
    emptyNote: 'Nothing was changed.',
  }));
}
