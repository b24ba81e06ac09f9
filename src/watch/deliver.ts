import type { FileSink } from '../chat/file-sink.js';
import type { ChatSink } from '../chat/sink.js';
import type { Logger } from '../log/logger.js';
import type { OffsetChartOf } from './offset-chart-of.js';
import { alertHeadline, renderAnnouncement, renderResolvedAlert } from './render-announcement.js';
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
}

export interface Delivery {
  posted: Announcement[];
  /** Hosts whose next announcement could not be posted: it stays in their outbox for the next check. */
  failed: string[];
}

const CHART_MS = 3600_000;

const same = (a: Announcement, b: Announcement) =>
  a.kind === b.kind && a.host === b.host && a.observation.at === b.observation.at;

/**
 * Posts every announcement waiting in the records' outboxes, oldest first per host, and removes each from the
 * outbox once Slack took it. An alert opens a thread (with the last hour's chart); changes and the recovery go
 * into it, and the recovery crosses the alert out. The caller holds the watch lock, so nothing is posted twice.
 */
export async function deliver(records: readonly HostRecord[], deps: DeliverDeps): Promise<Delivery> {
  const result: Delivery = { posted: [], failed: [] };
  for (const record of records) {
    let threads = record.threads;
    for (const a of record.outbox) {
      try {
        threads = await post(a, threads, deps);
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

async function post(
  a: Announcement,
  threads: HostRecord['threads'],
  deps: DeliverDeps,
): Promise<HostRecord['threads']> {
  const message = renderAnnouncement(a, deps.rules);
  const thread = threads[a.incident];
  if (thread && !a.opens) {
    await deps.chat.reply(deps.channel, thread.ts, message);
    if (!a.closes) return threads;
    await deps.chat
      .update(deps.channel, thread.ts, renderResolvedAlert(thread.headline, a))
      .catch((err: Error) =>
        deps.log.warn({ host: a.host, msg: err.message }, 'could not mark the alert resolved'),
      );
    const { [a.incident]: _closed, ...open } = threads;
    return open;
  }
  // no thread yet (a new incident, or its alert was never posted): a message of its own
  const { ts } = await deps.chat.post(deps.channel, message);
  if (a.closes) return threads;
  await attachChart(a, ts, deps);
  return { ...threads, [a.incident]: { ts, headline: alertHeadline(a, deps.rules) } };
}

/** The last hour of the host's offsets, in the alert's thread; an alert without its chart is still an alert. */
async function attachChart(a: Announcement, ts: string, deps: DeliverDeps): Promise<void> {
  try {
    const to = deps.now();
    const png = await deps.chart(`host ${a.host}`, [a.host], { from: to - CHART_MS, to });
    await deps.files.upload(deps.channel, {
      filename: `${a.host}-offset-last-hour.png`,
      title: `${a.host}: clock offset, last hour`,
      bytes: png,
      threadTs: ts,
      altText: `Clock offset of ${a.host} over the last hour, with the warning and critical thresholds`,
    });
  } catch (err) {
    deps.log.warn({ host: a.host, msg: (err as Error).message }, 'could not attach the offset chart');
  }
}
