import type { DispatchResult, Requester } from '../bot/dispatch.js';
import { UserInputError } from '../errors.js';
import type { WatchCommandDeps } from './watch-command-deps.js';

const HOURS = 6;

/** The Chart button of an alert: the host's last hours of offsets, in the alert's thread (or the channel). */
export async function chartInThread(
  host: string,
  who: Requester,
  deps: WatchCommandDeps,
): Promise<DispatchResult> {
  if (!deps.inventory.hosts.has(host)) throw new UserInputError(`Unknown host \`${host.slice(0, 64)}\`.`);
  const record = (await deps.store.load([host])).get(host)?.record;
  const thread = record?.incident && record.threads[record.incident.id];
  const channel = thread && deps.alertChannel ? deps.alertChannel : who.channel;
  const to = deps.now();
  const png = await deps.chart(`host ${host}`, [host], { from: to - HOURS * 3600_000, to });
  await deps.files.upload(channel, {
    filename: `${host}-offset-last-${HOURS}h.png`,
    title: `${host}: clock offset, last ${HOURS} hours`,
    bytes: png,
    ...(thread && { threadTs: thread.ts }),
    comment: `Clock offset of ${host}, last ${HOURS} hours (asked by ${deps.mention(who.user)})`,
    altText: `Clock offset of ${host} over the last ${HOURS} hours, with the warning and critical thresholds`,
  });
  return {
    kind: 'reply',
    message: { text: `📈 Posted ${host}'s chart in the alert's thread.` },
    outcome: 'chart posted',
  };
}
