import type { DispatchResult, Requester } from '../bot/dispatch.js';
import { CEPH_RECORD } from './ceph-observe.js';
import { when } from './render-time.js';
import type { WatchCommandDeps } from './watch-command-deps.js';

const reply = (text: string, outcome: string): DispatchResult => ({
  kind: 'reply',
  message: { text },
  outcome,
});

/**
 * `/lab ceph ack` (and the Ceph alert's Acknowledge button): anyone; the open Ceph alert's thread says who and
 * when, and on-call's PagerDuty incident for it is acknowledged.
 */
export async function cephAck(who: Requester, deps: WatchCommandDeps): Promise<DispatchResult> {
  const store = deps.cephStore;
  if (!store || !deps.alertChannel)
    return reply(
      'The Ceph watch is off here (no alert channel, or no ceph_mons group in the inventory): nothing to acknowledge.',
      'ceph ack: no watch',
    );
  const at = deps.now();
  let before: { by: string; at: number } | undefined;
  const record = await store.update(CEPH_RECORD, (r) => {
    if (!r?.incident || r.state === 'ok') return undefined;
    if (r.ack?.incident === r.incident.id) {
      before = r.ack;
      return undefined;
    }
    return { ...r, ack: { incident: r.incident.id, by: who.user, at } };
  });
  if (!record?.incident || record.state === 'ok')
    return reply('The Ceph cluster has no open alert: nothing to acknowledge.', 'ceph ack: no alert');
  if (before)
    return reply(
      `The Ceph alert was already acknowledged by ${deps.mention(before.by)} (${when(before.at, 'plain')}).`,
      'ceph ack: already acknowledged',
    );
  const thread = record.threads[record.incident.id];
  if (thread)
    await deps.chat
      .reply(deps.alertChannel, thread.ts, {
        text: `👀 Ceph alert acknowledged by ${deps.mention(who.user)} at ${when(at, 'mrkdwn')}.`,
      })
      .catch((err: Error) => deps.log.warn({ msg: err.message }, 'could not tell the Ceph alert thread'));
  deps.onCephAck?.(record.incident.id);
  deps.log.info({ user: who.user, incident: record.incident.id }, 'Ceph alert acknowledged');
  const paged = deps.onCephAck ? ' and its PagerDuty incident' : '';
  return reply(`Acknowledged the Ceph alert${paged}.`, 'ceph ack: acknowledged');
}
