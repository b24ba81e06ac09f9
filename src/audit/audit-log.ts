import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import { type AuditEntry, type AuditKind, oneLine, type StoredAuditEntry } from './audit-entry.js';

const KINDS: readonly AuditKind[] = ['command', 'confirm', 'cancel', 'refusal', 'result'];

/**
 * The audit trail: every entry goes to a Redis stream (trimmed to about maxLen entries) and to the JSON log.
 * Recording never fails a command: if Redis does not answer, the log line is still the record.
 */
export class AuditLog {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly log: Logger,
    private readonly maxLen = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    this.key = `${prefix}:audit`;
  }

  async record(entry: Omit<AuditEntry, 'at'>): Promise<void> {
    const full: AuditEntry = {
      ...entry,
      at: this.now(),
      text: oneLine(entry.text),
      outcome: oneLine(entry.outcome, 200),
    };
    this.log.info({ audit: full }, 'audit');
    const fields = Object.entries(full).flatMap(([k, v]) => (v === undefined ? [] : [k, String(v)]));
    try {
      await this.redis.xadd(this.key, 'MAXLEN', '~', this.maxLen, '*', ...fields);
    } catch (err) {
      this.log.error({ msg: (err as Error).message, audit: full }, 'audit entry not stored in Redis');
    }
  }

  /** The last n entries, newest first. */
  async recent(n: number): Promise<StoredAuditEntry[]> {
    const rows = await this.redis.xrevrange(this.key, '+', '-', 'COUNT', n);
    return rows.map(([id, flat]) => parseEntry(id, flat));
  }
}

function parseEntry(id: string, flat: string[]): StoredAuditEntry {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i] as string, flat[i + 1] as string);
  const kind = f.get('kind') as AuditKind;
  return {
    id,
    at: Number(f.get('at') ?? id.split('-')[0]),
    kind: KINDS.includes(kind) ? kind : 'command',
    user: f.get('user') ?? '?',
    channel: f.get('channel') ?? '?',
    text: f.get('text') ?? '',
    job: f.get('job'),
    outcome: f.get('outcome') ?? '',
  };
}
