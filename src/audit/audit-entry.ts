/** What an audit entry records: a command typed, a plan confirmed or cancelled, a refusal, a job's result. */
export type AuditKind = 'command' | 'confirm' | 'cancel' | 'refusal' | 'result';

/** One line of the audit trail: who did what where, which job it made, and how it ended. */
export interface AuditEntry {
  /** Milliseconds since the epoch. */
  at: number;
  kind: AuditKind;
  user: string;
  channel: string;
  /** The command as typed (or the plan's command for confirm/cancel/result), bounded. */
  text: string;
  job?: string;
  /** What came of it, one short phrase: "queued", "refused: not an admin", "failed: …". */
  outcome: string;
}

/** An entry as recorded: the stream id says its order. */
export interface StoredAuditEntry extends AuditEntry {
  id: string;
}

const MAX_TEXT = 300;

/** Entries keep user text bounded and on one line, so the trail stays readable and small. */
export const oneLine = (s: string, max = MAX_TEXT) => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};
