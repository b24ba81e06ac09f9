import { context } from '../../chat/blocks.js';
import type { ChatMessage } from '../../chat/message.js';
import { escapeMrkdwn } from '../../chat/mrkdwn.js';
import { FINAL } from '../../chat/sink.js';
import { CEPH_MONS } from '../ceph-cluster/mon-group.js';
import { CEPH_SKEW_WAIT, type SkewOutcome, waitForSkewToClear } from '../ceph-cluster/wait-skew-clear.js';
import { formatDuration } from '../chrony/format-offset.js';
import type { TargetPayload } from '../target-payload.js';
import type { TaskContext } from '../task.js';
import type { NtpHostResult } from './setup-ntp-host.js';

/** The summary with one more line at its end (text and a context block). */
export function withLine(message: ChatMessage, line: string): ChatMessage {
  return {
    text: `${message.text}\n${line}`,
    blocks: [...(message.blocks ?? []), context(escapeMrkdwn(line))],
  };
}

/** What the Ceph wait found, in one line with what to do next. */
export function cephLine(o: SkewOutcome, settleMs: number): string {
  if (o.kind === 'clear')
    return `✅ Ceph: no clock skew on the monitors of ${o.mons.join(', ')} (asked ${o.monitor}${o.waitedMs > 0 ? ` after ${formatDuration(o.waitedMs / 1000)}` : ''}).`;
  if (o.kind === 'no-answer') {
    const f = o.failed[0];
    return `⚠️ Ceph could not be asked whether MON_CLOCK_SKEW cleared (${f ? `${f.host}: ${f.failure.message}` : 'no monitor'}). Re-check with /lab ceph status.`;
  }
  const mons = o.skewed.map(
    (s) => `mon.${s.mon}${s.skewSeconds !== undefined ? ` (${Number(s.skewSeconds.toPrecision(6))} s)` : ''}`,
  );
  return `⏳ Ceph still warns MON_CLOCK_SKEW on ${mons.join(', ')} after ${formatDuration(settleMs / 1000)}: Ceph re-checks clock skew only every 30 s while skewed and every 5 minutes otherwise, so this is not a failure. Re-check with /lab ceph status in 5 minutes.`;
}

/**
 * After /lab ntp setup on monitors of ceph_mons: the summary says it waits for Ceph, then what Ceph said (bounded,
 * never failing the setup). Nothing when no host set up is a monitor.
 */
export async function verifyCephAfterSetup(
  ctx: TaskContext<TargetPayload>,
  done: readonly NtpHostResult[],
  summary: ChatMessage,
): Promise<SkewOutcome | undefined> {
  const { inventory, payload, chat, ssh, signal } = ctx;
  const monHosts = (inventory.groups.get(CEPH_MONS) ?? []).flatMap((h) => inventory.hosts.get(h) ?? []);
  const fixed = done.filter((r) => r.outcome !== 'failed' && monHosts.some((m) => m.name === r.host));
  if (fixed.length === 0) return undefined;
  const wait = ctx.settings.cephSkewWait ?? CEPH_SKEW_WAIT;
  const { channel, messageTs: ts } = payload.reply;
  const show = (line: string, last = false) =>
    ts
      ? chat.update(channel, ts, withLine(summary, line), last ? FINAL : undefined)
      : chat.post(channel, { text: line }).then(() => undefined);
  await show(
    `⏳ Waiting up to ${formatDuration(wait.settleMs / 1000)} for Ceph to clear MON_CLOCK_SKEW on ${fixed.map((r) => r.host).join(', ')}…`,
  );
  const outcome = await waitForSkewToClear(
    ssh,
    inventory,
    monHosts,
    fixed.map((r) => r.host),
    { ...wait, signal },
  );
  await show(cephLine(outcome, wait.settleMs), true);
  return outcome;
}
