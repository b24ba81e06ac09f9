import type { DispatchResult, Requester } from '../bot/dispatch.js';
import { ChartError } from '../chart/png-renderer.js';
import { UserInputError } from '../errors.js';
import { resolveTargets } from '../inventory/index.js';
import type { WatchCommandDeps } from './watch-command-deps.js';

const reply = (text: string): DispatchResult => ({ kind: 'reply', message: { text } });

export const MAX_GRAPH_HOURS = 168;

/** `/lab ntp graph <host|group> [hours]`: the chart, posted in the requester's channel. */
export async function ntpGraph(
  args: readonly string[],
  who: Requester,
  deps: WatchCommandDeps,
): Promise<DispatchResult> {
  const [target, hoursText] = args;
  const hours = hoursText === undefined ? 6 : Number(hoursText);
  if (!Number.isInteger(hours) || hours < 1 || hours > MAX_GRAPH_HOURS)
    throw new UserInputError(`Hours must be 1 to ${MAX_GRAPH_HOURS}: the offset history keeps 7 days.`);
  const targets = resolveTargets(deps.inventory, target);
  const to = deps.now();
  let png: Uint8Array;
  try {
    png = await deps.chart(
      targets.label,
      targets.hosts.map((h) => h.name),
      { from: to - hours * 3600_000, to },
    );
  } catch (err) {
    if (!(err instanceof ChartError)) throw err;
    deps.log.warn({ target, msg: err.message }, 'cannot draw the chart');
    return reply(`Could not draw the chart of ${targets.label}: ${err.message}. Try again in a minute.`);
  }
  const span = hours === 1 ? 'last hour' : `last ${hours} hours`;
  try {
    await deps.files.upload(who.channel, {
      filename: `offset-${target}-${hours}h.png`,
      title: `Clock offset of ${targets.label}, ${span}`,
      bytes: png,
      comment: `Clock offset of ${targets.label}, ${span} (asked by ${deps.mention(who.user)})`,
      altText: `Clock offset of ${targets.label} over the ${span}, with the warning and critical thresholds`,
    });
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error ?? (err as Error).message;
    deps.log.warn({ channel: who.channel, code }, 'cannot upload the chart');
    return reply(
      code === 'not_in_channel' || code === 'channel_not_found'
        ? `I cannot post in this channel (${code}). Invite me with \`/invite @labops\` and try again.`
        : `Slack refused the chart (${code}). Try again in a minute.`,
    );
  }
  return reply(`📈 Posted the chart of ${targets.label} (${span}).`);
}
