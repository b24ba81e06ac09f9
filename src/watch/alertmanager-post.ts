import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ChatSink } from '../chat/sink.js';
import { type AlertLab, alertsByLab, instancesText } from './alertmanager-labs.js';
import type { AlertmanagerPayload } from './alertmanager-payload.js';
import { renderAlertmanager } from './render-alertmanager.js';

export interface AlertmanagerPostDeps {
  redis: Pick<Redis, 'get' | 'set'>;
  prefix: string;
  chat: Pick<ChatSink, 'post' | 'update'>;
  channel: string;
  hosts(): readonly { name: string; address: string }[];
}

const WEEK_S = 7 * 24 * 3600;

/** One message per Alertmanager group key in the alert channel: posted once, then updated, not repeated. */
export async function postAlertmanager(p: AlertmanagerPayload, deps: AlertmanagerPostDeps): Promise<void> {
  const key = `${deps.prefix}:alertmanager:group:${createHash('sha256').update(p.groupKey).digest('hex').slice(0, 32)}`;
  const message = renderAlertmanager(p, deps.hosts());
  const ts = await deps.redis.get(key);
  if (ts) return deps.chat.update(deps.channel, ts, message);
  const posted = await deps.chat.post(deps.channel, message);
  await deps.redis.set(key, posted.ts, 'EX', WEEK_S);
}

export interface AlertmanagerLabsDeps {
  redis: Pick<Redis, 'get' | 'set'>;
  chat: Pick<ChatSink, 'post' | 'update'>;
  /** The labs of the policy now (a reload's labs for the next alert), each with its key prefix. */
  labs(): readonly (AlertLab & { keyPrefix: string })[];
  warn(fields: object, msg: string): void;
}

/**
 * LAB_POLICY: each lab's alerts to its alert channel, one message per group key per lab; alerts naming no host of
 * any lab (or of a lab without alert_channel) are not posted but logged. Resolves with what happened, for the 200.
 */
export async function postAlertmanagerPerLab(
  p: AlertmanagerPayload,
  deps: AlertmanagerLabsDeps,
): Promise<string> {
  const labs = deps.labs();
  const routed = alertsByLab(p, labs);
  const posted: string[] = [];
  const skipped: string[] = [];
  const failed: string[] = [];
  // each lab's message on its own: one lab's Slack failure does not keep the others' alerts back
  const posting = routed.labs.map(async ({ lab, payload }) => {
    const channel = lab.alertChannel;
    const instances = payload.alerts.map((a) => (a.labels.instance ?? '').slice(0, 100));
    if (!channel) {
      deps.warn(
        { lab: lab.name, instances: instances.slice(0, 5) },
        'Alertmanager alert not posted: its lab has no alert_channel',
      );
      skipped.push(
        `lab ${lab.name} has no alert_channel (${instancesText(instances)}): add one to LAB_POLICY`,
      );
      return;
    }
    try {
      await postAlertmanager(payload, { ...deps, prefix: lab.keyPrefix, channel, hosts: () => lab.hosts });
      return { posted: `lab ${lab.name} (${channel})` };
    } catch (err) {
      const msg = (err as Error).message.slice(0, 200);
      deps.warn({ lab: lab.name, channel, msg }, 'Alertmanager alert not posted: Slack refused it');
      return { failed: `lab ${lab.name} (${channel}): ${msg}` };
    }
  });
  // in the policy's order, whichever answered first
  for (const done of await Promise.all(posting)) {
    if (done?.posted) posted.push(done.posted);
    if (done?.failed) failed.push(done.failed);
  }
  // Alertmanager sends a group again after a non-2xx answer: the labs posted now are updated then, not repeated
  if (failed.length > 0)
    throw new Error(
      `Alertmanager alert not posted to ${failed.join('; ')} (posted: ${posted.join(', ') || 'none'})`,
    );
  if (routed.unknown.length > 0) {
    deps.warn(
      {
        instances: routed.unknown.slice(0, 5).map((i) => i.slice(0, 100)),
        groupKey: p.groupKey.slice(0, 200),
      },
      'Alertmanager alert not posted: its instance is no host of any lab',
    );
    skipped.push(
      `${instancesText(routed.unknown)}: no host of any lab has this name or address (add it to a lab's inventory)`,
    );
  }
  return [
    posted.length ? `posted to ${posted.join(', ')}` : 'nothing posted',
    ...skipped.map((s) => `not posted: ${s}`),
  ].join('\n');
}
