import type { ChatSink } from '../chat/sink.js';
import type { Logger } from '../log/logger.js';
import { CEPH_RECORD } from './ceph-observe.js';
import { withCephAlertActions } from './render-alert-actions.js';
import { cephHeadline, renderCephAnnouncement, renderCephResolved } from './render-ceph-alert.js';
import type { Announcement, HostRecord } from './watch-state.js';
import type { WatchStore } from './watch-store.js';

export interface CephDeliverDeps {
  store: Pick<WatchStore, 'update'>;
  /** The drift watch's records: a skewed monitor's open chrony alert is where the Ceph alert goes. */
  driftStore: Pick<WatchStore, 'load'>;
  chat: ChatSink;
  channel: string;
  log: Logger;
  /** Told of each announcement once Slack took it (PagerDuty); never waits, never throws. */
  page?(a: Announcement): void;
}

/** The thread of an open chrony alert of one of the skewed monitors' hosts, if any. */
async function chronyThread(a: Announcement, deps: CephDeliverDeps): Promise<string | undefined> {
  const hosts = (a.observation.ceph?.skewed ?? []).flatMap((s) => (s.host ? [s.host] : []));
  if (hosts.length === 0) return undefined;
  const loaded = await deps.driftStore.load(hosts);
  for (const { record } of loaded.values()) {
    const open = record?.incident && record.threads[record.incident.id];
    if (open) return open.ts;
  }
  return undefined;
}

async function post(a: Announcement, threads: HostRecord['threads'], deps: CephDeliverDeps) {
  const message = a.opens ? withCephAlertActions(renderCephAnnouncement(a)) : renderCephAnnouncement(a);
  const thread = threads[a.incident];
  if (thread && !a.opens) {
    await deps.chat.reply(deps.channel, thread.ts, message);
    if (!a.closes) return threads;
    if (!thread.joined)
      await deps.chat
        .update(deps.channel, thread.ts, renderCephResolved(thread.headline))
        .catch((err: Error) => deps.log.warn({ msg: err.message }, 'could not mark the Ceph alert resolved'));
    const { [a.incident]: _closed, ...open } = threads;
    return open;
  }
  const join = a.opens ? await chronyThread(a, deps) : undefined;
  if (join) {
    await deps.chat.reply(deps.channel, join, message);
    return { ...threads, [a.incident]: { ts: join, headline: cephHeadline(a), joined: true } };
  }
  const { ts } = await deps.chat.post(deps.channel, message);
  return a.closes ? threads : { ...threads, [a.incident]: { ts, headline: cephHeadline(a) } };
}

/** Posts what the Ceph record's outbox holds, oldest first; each leaves the outbox once Slack took it. */
export async function deliverCeph(record: HostRecord, deps: CephDeliverDeps): Promise<number> {
  let threads = record.threads;
  let posted = 0;
  for (const a of record.outbox) {
    try {
      threads = await post(a, threads, deps);
    } catch (err) {
      deps.log.warn({ kind: a.kind, msg: (err as Error).message }, 'Ceph announcement not posted');
      break;
    }
    const now = threads;
    await deps.store.update(CEPH_RECORD, (r) =>
      r
        ? {
            ...r,
            outbox: r.outbox.filter((b) => b.observation.at !== a.observation.at || b.kind !== a.kind),
            threads: now,
          }
        : undefined,
    );
    posted++;
    deps.page?.(a);
  }
  return posted;
}

/** For the drift watch: the open Ceph alert's thread when it names `host` as a skewed monitor. */
export async function cephThreadOf(
  store: Pick<WatchStore, 'load'>,
  host: string,
): Promise<string | undefined> {
  const record = (await store.load([CEPH_RECORD])).get(CEPH_RECORD)?.record;
  if (!record?.incident || record.state === 'ok') return undefined;
  if (!record.last?.ceph?.skewed.some((s) => s.host === host)) return undefined;
  return record.threads[record.incident.id]?.ts;
}
