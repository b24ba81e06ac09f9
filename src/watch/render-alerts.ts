import { context, LIMITS, packLines, section } from '../chat/blocks.js';
import type { ChatMessage } from '../chat/message.js';
import type { TextStyle } from '../chat/mrkdwn.js';
import { formatDuration } from '../tasks/chrony/format-offset.js';
import { renderSilence } from './render-silences.js';
import { describeObservation, STATE_WORDS, stateHeadline } from './render-state.js';
import { elapsed, when } from './render-time.js';
import type { Silence } from './silence.js';
import type { HostRecord } from './watch-state.js';
import type { LastCheck, Pause } from './watch-store.js';

export interface AlertsView {
  /** Records of the hosts the watch checks (hosts never checked have none). */
  records: readonly HostRecord[];
  hosts: number;
  lastCheck?: LastCheck;
  paused?: Pause;
  /** Why the watch does not run at all (no alert channel), if it does not. */
  off?: string;
  intervalSeconds: number;
  confirmChecks: number;
  now: number;
  mention(user: string): string;
  /** Silences in force: listed under the alerts. */
  silences?: readonly Silence[];
}

/** A host has an open alert while its announced state is not ok, or while it flaps. */
export const isOpen = (r: HostRecord) => r.state !== 'ok' || r.flapping !== undefined;

function status(v: AlertsView, style: TextStyle): string {
  const bold = (t: string) => (style === 'mrkdwn' ? `*${t}*` : t);
  if (v.off) return `${bold('Clock-drift watch is off')}: ${v.off}`;
  const every = `${v.hosts} host${v.hosts === 1 ? '' : 's'} every ${elapsed(v.intervalSeconds * 1000)}`;
  const head = v.paused
    ? `${bold('Clock-drift watch is paused')} (by ${v.mention(v.paused.by)}, ${when(v.paused.at, style)}); it checks ${every} once resumed with \`/lab ntp watch on\`.`
    : `${bold('Clock-drift watch')}: checks ${every}; a new state is announced after ${v.confirmChecks} check${v.confirmChecks === 1 ? '' : 's'} in a row.`;
  const last = v.lastCheck
    ? `Last check ${when(v.lastCheck.at, style)} (${elapsed(v.now - v.lastCheck.at)} ago, took ${formatDuration(v.lastCheck.durationMs / 1000)}).`
    : 'No check has run yet.';
  return `${head} ${last}`;
}

/** The Ceph watch's record: the cluster's checks, not a clock state. */
function cephLine(r: HostRecord, v: AlertsView, style: TextStyle): string {
  const name = style === 'mrkdwn' ? '*Ceph*' : 'Ceph';
  const emoji = r.state === 'critical' ? '🔴' : '🟠';
  const skewed = (r.last?.ceph?.skewed ?? []).map((s) => `mon.${s.mon}${s.host ? ` (host ${s.host})` : ''}`);
  const reason = r.last?.reason ?? r.state;
  const text = `${emoji} ${name} ${reason} since ${when(r.since, style)} (${elapsed(v.now - r.since)})`;
  return skewed.length > 0 ? `${text}; skewed: ${skewed.join(', ')}` : text;
}

function alertLine(r: HostRecord, v: AlertsView, style: TextStyle): string {
  if (r.last?.ceph) return cephLine(r, v, style);
  const flapping = r.flapping
    ? ` 🔁 flapping since ${when(r.flapping.since, style)}, last seen ${STATE_WORDS[r.flapping.state]}`
    : '';
  const facts = r.last ? `: ${describeObservation(r.last, style)}` : '';
  return `${stateHeadline(r.host, r.state, style)} since ${when(r.since, style)} (${elapsed(v.now - r.since)})${flapping}${facts}`;
}

function pendingLine(r: HostRecord, v: AlertsView, style: TextStyle): string | undefined {
  if (!r.pending) return undefined;
  return `⏳ ${style === 'mrkdwn' ? `*${r.host}*` : r.host}: looks ${STATE_WORDS[r.pending.state]} (${r.pending.count} of ${v.confirmChecks} checks)`;
}

/** The answer to `/lab ntp alerts`: the watch's state, then the open alerts worst first, then states not yet confirmed. */
export function renderAlerts(v: AlertsView): ChatMessage {
  const order = ['unreachable', 'unsynchronised', 'critical', 'warning', 'ok'];
  const open = v.records
    .filter(isOpen)
    .sort(
      (a, b) =>
        order.indexOf(a.state) - order.indexOf(b.state) ||
        a.host.localeCompare(b.host, 'en', { numeric: true }),
    );
  const build = (style: TextStyle) => {
    const title =
      open.length > 0
        ? `Open alerts (${open.length}):`
        : v.records.length > 0
          ? 'No open alerts: every host checked is in sync.'
          : 'No open alerts.';
    const pending = v.records
      .map((r) => pendingLine(r, v, style))
      .filter((l): l is string => l !== undefined);
    const silenced = (v.silences ?? []).map((x) => `🔕 ${renderSilence(x, v.mention, style)}`);
    return {
      silenced: silenced.length > 0 ? [`Silences (${silenced.length}):`, ...silenced] : [],
      head: status(v, style),
      title: style === 'mrkdwn' && open.length > 0 ? `*${title}*` : title,
      lines: open.map((r) => alertLine(r, v, style)),
      pending,
    };
  };
  const plain = build('plain');
  const rich = build('mrkdwn');
  const packed = packLines(rich.lines, LIMITS.blocks - 4, LIMITS.messageChars - 2000);
  const more = rich.lines.length - packed.count;
  return {
    text: [plain.head, plain.title, ...plain.lines, ...plain.pending, ...plain.silenced].join('\n'),
    blocks: [
      section(rich.head),
      section(rich.title),
      ...packed.texts.map(section),
      ...(more > 0 ? [context(`…and ${more} more`)] : []),
      ...(rich.pending.length > 0 ? [context(rich.pending.join('\n').slice(0, 2900))] : []),
      ...(rich.silenced.length > 0 ? [section(rich.silenced.join('\n').slice(0, 2900))] : []),
    ].slice(0, LIMITS.blocks),
  };
}
