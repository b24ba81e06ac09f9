import { z } from 'zod';
import type { HostErrorCode } from '../errors.js';
import { errorStatus, type NtpHostStatus, STATE_ORDER } from '../tasks/chrony/classify.js';

// longest free text kept of a recorded status (reason and hint come from host output)
const TEXT_CHARS = 2000;
const SHORT_CHARS = 300;

const ERROR_CODES = [
  'unreachable',
  'timeout',
  'auth',
  'hostkey-mismatch',
  'hostkey-unknown',
  'command-missing',
  'daemon-down',
  'command-failed',
  'not-checked',
] as const satisfies readonly HostErrorCode[];

const finite = z.number().finite();

const StoredSource = z.object({
  mode: z.enum(['server', 'peer', 'refclock']),
  state: z.enum(['selected', 'combined', 'not-combined', 'falseticker', 'too-variable', 'unusable']),
  address: z.string().max(SHORT_CHARS),
  stratum: finite,
  poll: finite,
  reach: finite,
  reachRaw: z.string().max(SHORT_CHARS),
  lastRxSeconds: finite.nullable(),
  offsetSeconds: finite,
  measuredOffsetSeconds: finite,
  errorSeconds: finite,
});

/**
 * One host's status as a shard records it in Redis and the coordinator reads it back: what the large check's
 * summary and table show (no raw sources table: the large form has none), each text bounded.
 */
export const StoredNtpStatus = z.object({
  host: z.string().min(1).max(255),
  state: z.enum(STATE_ORDER as unknown as [NtpHostStatus['state'], ...NtpHostStatus['state'][]]),
  offsetSeconds: finite.optional(),
  selected: StoredSource.optional(),
  stratum: finite.optional(),
  reason: z.string().max(TEXT_CHARS).optional(),
  hint: z.string().max(TEXT_CHARS).optional(),
  errorCode: z.enum(ERROR_CODES).optional(),
  outputCut: z.string().max(SHORT_CHARS).optional(),
});
export type StoredNtpStatus = z.infer<typeof StoredNtpStatus>;

const cut = (text: string | undefined, max: number) =>
  text === undefined || text.length <= max ? text : `${text.slice(0, max - 1)}…`;

/** The JSON a shard records for a host: without the raw sources table, texts cut to what the schema takes. */
export function toStored(s: NtpHostStatus): string {
  const { sourcesTable: _table, ...rest } = s;
  const stored: NtpHostStatus = {
    ...rest,
    reason: cut(s.reason, TEXT_CHARS),
    hint: cut(s.hint, TEXT_CHARS),
    outputCut: cut(s.outputCut, SHORT_CHARS),
    ...(s.selected && {
      selected: {
        ...s.selected,
        address: cut(s.selected.address, SHORT_CHARS) ?? '',
        reachRaw: cut(s.selected.reachRaw, SHORT_CHARS) ?? '',
      },
    }),
  };
  return JSON.stringify(stored);
}

/**
 * A recorded status read back. Anything that does not parse, or names another host, is not trusted: the host
 * shows as an error that says so.
 */
export function fromStored(host: string, raw: string): NtpHostStatus {
  let parsed: ReturnType<typeof StoredNtpStatus.safeParse> | undefined;
  try {
    parsed = StoredNtpStatus.safeParse(JSON.parse(raw));
  } catch {
    parsed = undefined;
  }
  if (parsed?.success && parsed.data.host === host) return parsed.data;
  return errorStatus(
    host,
    'not-checked',
    'the status a worker recorded for this host could not be read back',
    'Run the command again; if it happens again, look at the workers’ logs.',
  );
}

/**
 * A host no worker recorded once every shard is done: its shard failed for good (its worker died too often, or the
 * shard could not run). Never a silent gap in the answer.
 */
export function notCheckedStatus(host: string, why?: string): NtpHostStatus {
  return errorStatus(
    host,
    'not-checked',
    `the worker that had it failed${why ? ` (${why})` : ''}`,
    'Run the command again.',
  );
}
