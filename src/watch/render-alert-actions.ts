import type { KnownBlock } from '@slack/types';
import { LIMITS, section } from '../chat/blocks.js';
import type { ChatMessage } from '../chat/message.js';

/** Every alert button's action id starts so; the rest says what it does (see alertCommand). */
export const ALERT_ACTION_PREFIX = 'labops_alert_';

const button = (action: string, text: string, value: string, style?: 'primary' | 'danger') => ({
  type: 'button' as const,
  action_id: `${ALERT_ACTION_PREFIX}${action}`,
  text: { type: 'plain_text' as const, text },
  value,
  ...(style && { style }),
});

/**
 * A drift alert with its buttons: Acknowledge (anyone), Silence 1 h / 8 h / until in sync (admins), Fix… (admins:
 * the `/lab ntp setup` plan of the host, which runs only after Confirm), Chart.
 */
export function withAlertActions(message: ChatMessage, host: string): ChatMessage {
  return withActions(message, `labops_alert_${host}`.slice(0, 255), [
    button('ack', 'Acknowledge', host, 'primary'),
    button('silence_1h', 'Silence 1 h', host),
    button('silence_8h', 'Silence 8 h', host),
    button('silence_sync', 'Silence until in sync', host),
    button('fix', 'Fix…', host),
    button('chart', 'Chart', host),
  ]);
}

/** The Ceph cluster's alert with its Acknowledge button (anyone): says who in the thread, tells PagerDuty. */
export function withCephAlertActions(message: ChatMessage): ChatMessage {
  return withActions(message, 'labops_alert_ceph', [button('ceph_ack', 'Acknowledge', 'ceph', 'primary')]);
}

/** The message with a row of buttons under it, unchanged when the buttons would not fit Slack's limits. */
function withActions(
  message: ChatMessage,
  blockId: string,
  elements: ReturnType<typeof button>[],
): ChatMessage {
  if (!message.blocks && message.text.length > LIMITS.sectionChars) return message;
  const body = message.blocks ?? [section(message.text)];
  if (body.length > LIMITS.blocks - 1) return message;
  const actions: KnownBlock = { type: 'actions', block_id: blockId, elements };
  return { text: message.text, blocks: [...body, actions] };
}

const SILENCE: Record<string, string> = { silence_1h: '1h', silence_8h: '8h', silence_sync: 'until-sync' };

/** The /lab command an alert button stands for ("ntp ack web1"), so a click is checked and audited as typed. */
export function alertCommand(actionId: string, host: string): string | undefined {
  const action = actionId.slice(ALERT_ACTION_PREFIX.length);
  if (!/^[\w.-]{1,64}$/.test(host)) return undefined;
  if (action === 'ack') return `ntp ack ${host}`;
  if (action === 'ceph_ack') return 'ceph ack';
  if (action === 'fix') return `ntp setup ${host}`;
  if (action.startsWith('check_')) return `ntp status ${host}`; // Check with labops, on an Alertmanager alert
  const duration = SILENCE[action];
  return duration ? `ntp silence ${host} ${duration} from the alert` : undefined;
}
