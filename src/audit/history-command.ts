import type { DispatchResult } from '../bot/dispatch.js';
import type { AuditLog } from './audit-log.js';
import { renderHistory } from './render-history.js';

export const HISTORY_DEFAULT = 20;
export const HISTORY_MAX = 100;

/** `/lab history [n]`: the last n audit entries (default 20, at most 100), for the requester alone. */
export async function historyCommand(
  args: readonly string[],
  deps: { audit: Pick<AuditLog, 'recent'>; mention(user: string): string },
): Promise<DispatchResult> {
  const asked = args[0] === undefined ? HISTORY_DEFAULT : Number(args[0]);
  const n = Math.min(Math.max(1, asked), HISTORY_MAX);
  const entries = await deps.audit.recent(n);
  return { kind: 'reply', message: renderHistory(entries, n, deps.mention) };
}
