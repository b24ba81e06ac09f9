import type { KnownBlock } from '@slack/types';
import { cut, LIMITS, section } from '../chat/blocks.js';
import type { ChatMessage } from '../chat/message.js';
import { escapeMrkdwn } from '../chat/mrkdwn.js';
import type { AlertmanagerPayload } from './alertmanager-payload.js';
import { ALERT_ACTION_PREFIX } from './render-alert-actions.js';

/** The inventory host an alert's instance names ("10.0.0.5:9100", "web1:9100"), by name or address. */
export function hostOfInstance(
  instance: string | undefined,
  hosts: readonly { name: string; address: string }[],
): string | undefined {
  if (!instance) return undefined;
  const bare = instance.replace(/^\[(.*)\](:\d+)?$/, '$1').replace(/^([^:]+):\d+$/, '$1');
  return hosts.find((h) => h.name === bare || h.address === bare || h.name === bare.split('.')[0])?.name;
}

/** One message per Alertmanager group: its status, each alert, and Check with labops for the hosts it names. */
export function renderAlertmanager(
  p: AlertmanagerPayload,
  hosts: readonly { name: string; address: string }[],
): ChatMessage {
  const name = p.commonLabels.alertname ?? p.groupLabels.alertname ?? 'alert';
  const firing = p.alerts.filter((a) => a.status === 'firing').length;
  const head =
    p.status === 'firing'
      ? `🔥 Alertmanager: ${name} firing (${firing} of ${p.alerts.length})`
      : `✅ Alertmanager: ${name} resolved`;
  const lines = p.alerts.slice(0, 20).map((a) => {
    const what = a.annotations.summary ?? a.annotations.description ?? a.labels.alertname ?? '';
    return `${a.status === 'firing' ? '🔴' : '✅'} ${a.labels.instance ?? '(no instance)'}: ${what}`;
  });
  const more = p.alerts.length > 20 ? [`…and ${p.alerts.length - 20} more`] : [];
  const text = [head, ...lines, ...more].join('\n');
  const checked = [...new Set(p.alerts.map((a) => hostOfInstance(a.labels.instance, hosts)))].filter(
    (h): h is string => h !== undefined,
  );
  const blocks: KnownBlock[] = [section(cut(escapeMrkdwn(text), LIMITS.sectionChars))];
  if (p.status === 'firing' && checked.length > 0)
    blocks.push({
      type: 'actions',
      elements: checked.slice(0, 5).map((h) => ({
        type: 'button',
        action_id: `${ALERT_ACTION_PREFIX}check_${h}`.slice(0, 255),
        text: { type: 'plain_text', text: cut(`Check ${h} with labops`, 75) },
        value: h,
      })),
    });
  return { text: cut(text, LIMITS.textChars), blocks };
}
