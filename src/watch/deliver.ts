import type { FileSink } from '../chat/file-sink.js';
import type { ChatSink } from '../chat/sink.js';
import type { Logger } from '../log/logger.js';
import type { OffsetChartOf } from './offset-chart-of.js';
import { withAlertActions } from './render-alert-actions.js';
import {
  alertHeadline,
  groupHeadline,
  renderAnnouncement,
  renderGroupAlert,
  renderResolvedAlert,
  renderResolvedGroup,
} from './render-announcement.js';
import type { Announcement, HostRecord, WatchRules } from './watch-state.js';
import type { WatchStore } from './watch-store.js';

export interface DeliverDeps {
  store: Pick<WatchStore, 'update'>;
  chat: ChatSink;
  files: FileSink;
  channel: string;
  chart: OffsetChartOf;
  rules: WatchRules;
  now(): number;
  log: Logger;
  /** The thread of another open incident this host's new alert belongs in (a Ceph clock-skew alert naming it). */
  joinThread?(host: string): Promise<string | undefined>;
  /** A silenced host: its announcements are dropped, not posted (its checks were recorded all the same). */
  silenced?(host: string): boolean;
}

export interface Delivery {
  posted: Announcement[];
  /** Hosts whose next announcement could not be posted: it stays in their outbox for the next check. */
  failed: string[];
  /**
   * Announcements of silenced hosts, dropped unposted, of incidents whose alert had been posted (and so paged):
   * PagerDuty still hears of their recovery. An incident that opened while silenced was never paged.
   */
  dropped?: Announcement[];
}

const CHART_MS = 3600_000;

/** This many hosts whose incidents begin in one check are announced together (see renderGroupAlert). */
export const GROUP_MIN = 3;

/** The message that stands for the hosts whose incidents began together, and their opening alerts. */
interface Group {
  ts: string;
  headline: string;
  alerts: Announcement[];
}

const same = (a: Announcement, b: Announcement) =>
  a.kind === b.kind && a.host === b.host && a.observation.at === b.observation.at;

/**
 * Posts every announcement waiting in the records' outboxes, oldest first per host, and removes each from the
 * outbox once Slack took it. An alert opens a thread (with the last hour's chart); changes and the recovery go
 * into it, and the recovery crosses the alert out. When GROUP_MIN or more hosts open incidents in one check, one
 * message names them all and each host's alert is a reply in its thread. The caller holds the watch lock, so
 * nothing is posted twice.
 */
export async function deliver(all: readonly HostRecord[], deps: DeliverDeps): Promise<Delivery> {
  const result: Delivery = { posted: [], failed: [], dropped: [] };
  // every host's open threads as they are now: a group's message is resolved when the last of its hosts recovers
  const open = new Map(all.map((r) => [r.host, r.threads]));
  const quiet = all.filter((r) => deps.silenced?.(r.host) && r.outbox.length > 0);
  for (const r of quiet) {
    open.set(r.host, await drop(r, deps));
    const paged = r.outbox.filter((a) => r.threads[a.incident] !== undefined);
    result.dropped?.push(...paged);
    // nothing is posted, but an alert left standing would say the host is still bad
    for (const a of paged.filter((p) => p.closes))
      await crossOut(r.threads[a.incident], a, open, deps, { silenced: true });
  }
  const records = all.filter((r) => !quiet.includes(r));
  const group = await postGroup(records, deps);
  for (const record of records) {
    let threads = record.threads;
    for (const a of record.outbox) {
      try {
        const before = threads[a.incident];
        threads = await post(a, threads, deps, group);
        open.set(a.host, threads);
        if (a.closes && before) await crossOut(before, a, open, deps);
      } catch (err) {
        deps.log.warn(
          { host: a.host, kind: a.kind, msg: (err as Error).message },
          'drift announcement not posted',
        );
        result.failed.push(a.host);
        break;
      }
      const posted = threads;
      await deps.store.update(a.host, (r) =>
        r ? { ...r, outbox: r.outbox.filter((b) => !same(a, b)), threads: posted } : undefined,
      );
      result.posted.push(a);
    }
  }
  return result;
}

/**
 * A silenced host's outbox is emptied unposted; an incident it closes meanwhile leaves no thread open. Returns
 * the host's open threads after it.
 */
async function drop(record: HostRecord, deps: DeliverDeps): Promise<HostRecord['threads']> {
  const dropped = record.outbox;
  const closed = new Set(dropped.filter((a) => a.closes).map((a) => a.incident));
  const open = Object.fromEntries(Object.entries(record.threads).filter(([id]) => !closed.has(id)));
  await deps.store.update(record.host, (r) =>
    r
      ? {
          ...r,
          outbox: r.outbox.filter((b) => !dropped.some((a) => same(a, b))),
          threads: Object.fromEntries(Object.entries(r.threads).filter(([id]) => !closed.has(id))),
        }
      : undefined,
  );
  deps.log.info({ host: record.host, dropped: dropped.length }, 'silenced: drift announcements not posted');
  return open;
}

/**
 * An incident is over: its alert is crossed out as resolved; a message about several hosts once the last of them
 * is; an alert that went into another incident's thread is left as it is. A failure is logged, nothing more.
 */
async function crossOut(
  thread: HostRecord['threads'][string] | undefined,
  recovery: Announcement,
  open: ReadonlyMap<string, HostRecord['threads']>,
  deps: DeliverDeps,
  opts: { silenced?: boolean } = {},
): Promise<void> {
  if (!thread || thread.joined) return;
  if (thread.grouped) return resolveGroupIfDone(thread, recovery, open, deps);
  await deps.chat
    .update(deps.channel, thread.ts, renderResolvedAlert(thread.headline, recovery, opts))
    .catch((err: Error) =>
      deps.log.warn({ host: recovery.host, msg: err.message }, 'could not mark the alert resolved'),
    );
}

/** The hosts opening an incident in this check, when there are GROUP_MIN or more: one message (and one chart). */
async function postGroup(records: readonly HostRecord[], deps: DeliverDeps): Promise<Group | undefined> {
  const opening = records.flatMap((r) => {
    const first = r.outbox[0];
    return first?.opens && !r.threads[first.incident] ? [first] : [];
  });
  // "at once" means the same check: alerts held back while Slack did not answer came from earlier ones
  const latest = Math.max(...opening.map((a) => a.observation.at));
  const alerts = opening.filter((a) => a.observation.at === latest);
  if (alerts.length < GROUP_MIN) return undefined;
  try {
    const { ts } = await deps.chat.post(deps.channel, renderGroupAlert(alerts));
    await attachChart(
      alerts.map((a) => a.host),
      ts,
      deps,
    );
    return { ts, headline: groupHeadline(alerts), alerts };
  } catch (err) {
    // each host's alert is then posted on its own
    deps.log.warn({ hosts: alerts.length, msg: (err as Error).message }, 'group alert not posted');
    return undefined;
  }
}

async function post(
  a: Announcement,
  threads: HostRecord['threads'],
  deps: DeliverDeps,
  group?: Group,
): Promise<HostRecord['threads']> {
  // an alert that opens an incident carries its buttons (Acknowledge, Silence, Chart)
  const plain = renderAnnouncement(a, deps.rules);
  const message = a.opens ? withAlertActions(plain, a.host) : plain;
  const thread = threads[a.incident];
  if (thread && !a.opens) {
    await deps.chat.reply(deps.channel, thread.ts, message);
    if (!a.closes) return threads;
    const { [a.incident]: _closed, ...open } = threads;
    return open;
  }
  if (group?.alerts.some((g) => same(g, a))) {
    await deps.chat.reply(deps.channel, group.ts, message);
    return {
      ...threads,
      [a.incident]: { ts: group.ts, headline: group.headline, grouped: true },
    };
  }
  // the channel sees one incident, not two: a Ceph alert already names this host as a skewed monitor
  const join = a.opens ? await deps.joinThread?.(a.host).catch(() => undefined) : undefined;
  if (join) {
    await deps.chat.reply(deps.channel, join, message);
    await attachChart([a.host], join, deps);
    return { ...threads, [a.incident]: { ts: join, headline: alertHeadline(a, deps.rules), joined: true } };
  }
  // no thread yet (a new incident, or its alert was never posted): a message of its own
  const { ts } = await deps.chat.post(deps.channel, message);
  if (a.closes) return threads;
  await attachChart([a.host], ts, deps);
  return { ...threads, [a.incident]: { ts, headline: alertHeadline(a, deps.rules) } };
}

/** Once no host has an open incident in a group's thread any more, its message is crossed out as resolved. */
async function resolveGroupIfDone(
  thread: HostRecord['threads'][string],
  last: Announcement,
  open: ReadonlyMap<string, HostRecord['threads']>,
  deps: DeliverDeps,
): Promise<void> {
  const stillOpen = [...open.values()].some((threads) =>
    Object.values(threads).some((t) => t.ts === thread.ts),
  );
  if (stillOpen) return;
  await deps.chat
    .update(deps.channel, thread.ts, renderResolvedGroup(thread.headline, last))
    .catch((err: Error) => deps.log.warn({ msg: err.message }, 'could not mark the group alert resolved'));
}

/** The last hour of the hosts' offsets, in the alert's thread; an alert without its chart is still an alert. */
async function attachChart(hosts: string[], ts: string, deps: DeliverDeps): Promise<void> {
  const name = hosts.length === 1 ? (hosts[0] ?? '') : `${hosts.length}-hosts`;
  const what = hosts.length === 1 ? `host ${name}` : hosts.join(', ');
  try {
    const to = deps.now();
    const png = await deps.chart(what, hosts, { from: to - CHART_MS, to });
    await deps.files.upload(deps.channel, {
      filename: `${name}-offset-last-hour.png`,
      title: `${hosts.length === 1 ? name : what}: clock offset, last hour`,
      bytes: png,
      threadTs: ts,
      altText: `Clock offset of ${hosts.join(', ')} over the last hour, with the warning and critical thresholds`,
    });
  } catch (err) {
    deps.log.warn({ hosts, msg: (err as Error).message }, 'could not attach the offset chart');
  }
}
