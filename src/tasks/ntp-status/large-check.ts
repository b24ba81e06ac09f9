import type { FileSink } from '../../chat/file-sink.js';
import type { ReplyTarget } from '../../chat/reply-target.js';
import type { ChatSink } from '../../chat/sink.js';
import type { InventoryHost } from '../../inventory/index.js';
import type { Logger } from '../../log/logger.js';
import type { NtpHostStatus } from '../chrony/classify.js';
import { reportHostByHost } from '../report/host-by-host.js';
import { renderLargeProgress, renderLargeSummary, type TableOutcome } from './render-large-check.js';
import { renderNtpTableCsv } from './render-table-csv.js';

/**
 * Progress of a large check: every second for the first 5 updates, then each wait twice the one before, and no
 * more than 12 in all (the 12th comes after about 4 min): Slack calls per run stay bounded whatever the size.
 */
export const LARGE_PROGRESS = {
  intervalMs: (sent: number) => 1000 * 2 ** Math.max(0, sent - 4),
  maxUpdates: 12,
};

const fileName = (label: string, at: Date) =>
  `ntp-status-${label.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 60)}-${at.toISOString().replace(/[:.]/g, '-').slice(0, 19)}.csv`;

/** A large `/lab ntp status`: counts and the worst hosts in the message, every host in one CSV in its thread. */
export async function reportLargeCheck(
  edge: { chat: ChatSink; files?: FileSink; reply: ReplyTarget; log: Logger },
  targets: { hosts: InventoryHost[]; label: string },
  run: (host: InventoryHost) => Promise<NtpHostStatus>,
  started: number,
): Promise<NtpHostStatus[]> {
  const total = targets.hosts.length;
  let table: TableOutcome = { none: true };
  return reportHostByHost(edge.chat, edge.reply, {
    waves: [targets.hosts],
    run,
    progress: (snapshot) => renderLargeProgress(total, snapshot, targets.label),
    progressPace: LARGE_PROGRESS,
    thread: () => [],
    async beforeSummary(done, threadTs) {
      if (!edge.files) return;
      const filename = fileName(targets.label, new Date(started));
      try {
        await edge.files.upload(edge.reply.channel, {
          filename,
          title: `NTP status of ${targets.label}: ${total} hosts`,
          bytes: Buffer.from(renderNtpTableCsv(done), 'utf8'),
          threadTs,
        });
        table = { attached: filename };
      } catch (err) {
        edge.log.warn({ msg: (err as Error).message, hosts: total }, 'the ntp status table was not attached');
        table = { failed: (err as Error).message.slice(0, 200) };
      }
    },
    summary: (statuses) => renderLargeSummary(statuses, targets.label, Date.now() - started, table),
  });
}
