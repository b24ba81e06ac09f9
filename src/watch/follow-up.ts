import type { ChatSink } from '../chat/sink.js';
import type { Logger } from '../log/logger.js';
import { reminderDue } from './reminder.js';
import { renderSilence } from './render-silences.js';
import { describeObservation, STATE_WORDS } from './render-state.js';
import { elapsed, when } from './render-time.js';
import { endedSilences, type Silence, silenceOf } from './silence.js';
import type { SilenceStore } from './silence-store.js';
import type { HostRecord } from './watch-state.js';
import type { WatchStore } from './watch-store.js';

export interface FollowUpDeps {
  store: Pick<WatchStore, 'load' | 'update'>;
  silences: Pick<SilenceStore, 'list' | 'remove'>;
  chat: Pick<ChatSink, 'post' | 'reply'>;
  channel: string;
  /** Between reminders of an unacknowledged critical alert; 0 = never. */
  remindMs: number;
  now(): number;
  mention(user: string): string;
  log: Logger;
}

/** In the host's open alert thread if it has one, else in the channel. */
async function say(record: HostRecord, text: string, deps: FollowUpDeps): Promise<void> {
  const thread = record.incident && record.threads[record.incident.id];
  if (thread) await deps.chat.reply(deps.channel, thread.ts, { text });
  else await deps.chat.post(deps.channel, { text });
}

/**
 * After a check has been posted: silences whose time is up (or whose hosts are back in sync) end, with one
 * message per host still bad; then unacknowledged critical alerts due a reminder get one in their thread.
 */
export async function followUp(hosts: readonly string[], deps: FollowUpDeps): Promise<void> {
  const now = deps.now();
  const loaded = await deps.store.load(hosts);
  const records = new Map(
    [...loaded].flatMap(([h, v]) => (v.record ? [[h, v.record] as [string, HostRecord]] : [])),
  );
  const silences = await deps.silences.list();
  const ended = endedSilences(silences, records, now);
  for (const s of ended) await endSilence(s, records, deps);
  const still = silences.filter((s) => !ended.includes(s));
  for (const record of records.values()) {
    if (!reminderDue(record, now, deps.remindMs, silenceOf(still, record.host, now) !== undefined)) continue;
    await remind(record, now, deps).catch((err: Error) =>
      deps.log.warn({ host: record.host, msg: err.message }, 'drift reminder not posted'),
    );
  }
}

async function endSilence(s: Silence, records: ReadonlyMap<string, HostRecord>, deps: FollowUpDeps) {
  // whoever removes it says so: two checks never both do
  if (!(await deps.silences.remove(s.scope))) return;
  deps.log.info({ scope: s.scope }, 'drift silence ended');
  for (const host of s.hosts) {
    const record = records.get(host);
    if (!record || record.state === 'ok') continue;
    const text = `🔔 The silence is over (${renderSilence(s, deps.mention, 'mrkdwn')}), and *${host}* is still ${STATE_WORDS[record.state]}${record.last ? `: ${describeObservation(record.last, 'mrkdwn')}` : ''}. Its alerts are posted again.`;
    await say(record, text, deps).catch((err: Error) =>
      deps.log.warn({ host, msg: err.message }, 'end of silence not posted'),
    );
  }
}

async function remind(record: HostRecord, now: number, deps: FollowUpDeps): Promise<void> {
  const incident = record.incident?.id ?? '';
  const every = elapsed(deps.remindMs);
  await say(
    record,
    `⏰ Reminder: *${record.host}* is still ${STATE_WORDS[record.state]} since ${when(record.since, 'mrkdwn')} (${elapsed(now - record.since)}), and nobody has acknowledged it. Acknowledge it (button above or \`/lab ntp ack ${record.host}\`) to stop these reminders (every ${every}).`,
    deps,
  );
  await deps.store.update(record.host, (r) => (r ? { ...r, reminded: { incident, at: now } } : undefined));
}
