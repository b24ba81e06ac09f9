import { ParseError } from '../../errors.js';

export type SourceMode = 'server' | 'peer' | 'refclock';
export type SourceState =
  | 'selected'
  | 'combined'
  | 'not-combined'
  | 'falseticker'
  | 'too-variable'
  | 'unusable';

/** One line of `chronyc sources`. Offsets in seconds: positive = the local clock is AHEAD of the source. */
export interface Source {
  mode: SourceMode;
  state: SourceState;
  /** IP address (with -n), host name, or refclock refid such as "GPS". The human table truncates long names with '>'. */
  address: string;
  stratum: number;
  /** log2 of the polling interval in seconds; may be negative. */
  poll: number;
  /** The 8-bit reach register, decoded from octal: "377" -> 255. */
  reach: number;
  /** The reach register as chronyc printed it (octal), for display. */
  reachRaw: string;
  /** Seconds since the last good sample; null = never. The human table rounds down to m/h/d/y. */
  lastRxSeconds: number | null;
  /** Adjusted offset of the last sample. */
  offsetSeconds: number;
  /** Offset as measured, before later clock adjustments. */
  measuredOffsetSeconds: number;
  /** Estimated error (root distance): the "+/-" value. */
  errorSeconds: number;
}

const MODES = new Map<string, SourceMode>([
  ['^', 'server'],
  ['=', 'peer'],
  ['#', 'refclock'],
]);

const STATES = new Map<string, SourceState>([
  ['*', 'selected'],
  ['+', 'combined'],
  ['-', 'not-combined'],
  ['x', 'falseticker'],
  ['~', 'too-variable'],
  ['?', 'unusable'],
]);

/** The mode character of chronyc sources: '^' server, '=' peer, '#' refclock. */
export function sourceMode(ch: string, raw: string): SourceMode {
  const mode = MODES.get(ch);
  if (!mode) throw new ParseError(`unknown source mode "${ch}"`, raw);
  return mode;
}

/** The state character of chronyc sources: '*' selected, '+' combined, '-', 'x', '~', '?'. */
export function sourceState(ch: string, raw: string): SourceState {
  const state = STATES.get(ch);
  if (!state) throw new ParseError(`unknown source state "${ch}"`, raw);
  return state;
}
