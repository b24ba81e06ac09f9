import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ChatSink } from '../chat/sink.js';
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
