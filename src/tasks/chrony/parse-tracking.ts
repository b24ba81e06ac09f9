import { ParseError } from '../../errors.js';
import { boundedLines } from '../remote/long-lines.js';
import { decimal, integer } from './parse-number.js';

export const LEAP_STATUSES = ['Normal', 'Insert second', 'Delete second', 'Not synchronised'] as const;
export type LeapStatus = (typeof LEAP_STATUSES)[number];

/** `chronyc tracking`: how the local clock relates to NTP time. Times in seconds. */
export interface Tracking {
  /** Reference ID in hex, e.g. "7F00002B"; "7F7F0101" = serving `local stratum N`; "00000000" = none. */
  refId: string;
  /** The reference's address or refclock name; empty when there is none. */
  refName: string;
  stratum: number;
  /** Positive = the local clock is SLOW of NTP time (as `chronyc -c` prints it); negative = fast. */
  systemTimeSeconds: number;
  lastOffsetSeconds: number;
  rmsOffsetSeconds: number;
  /** Positive = the local clock runs fast (human form "ppm fast"). */
  frequencyPpm: number;
  rootDelaySeconds: number;
  rootDispersionSeconds: number;
  updateIntervalSeconds: number;
  leapStatus: LeapStatus;
}

function leap(text: string, raw: string): LeapStatus {
  const found = LEAP_STATUSES.find((s) => s === text);
  if (!found) throw new ParseError(`unknown leap status "${text}"`, raw);
  return found;
}

function refId(text: string, raw: string): string {
  if (!/^[0-9A-F]{8}$/i.test(text)) throw new ParseError(`reference ID is not 8 hex digits: "${text}"`, raw);
  return text.toUpperCase();
}

/** Parses `chronyc -c tracking`: one line of 14 comma-separated fields. */
export function parseTrackingCsv(output: string): Tracking {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  const line = lines[0];
  if (lines.length !== 1 || line === undefined) {
    throw new ParseError(`expected one line of chronyc -c tracking, got ${lines.length}`, output);
  }
  const f = line.split(',');
  if (f.length !== 14)
    throw new ParseError(`expected 14 fields in chronyc -c tracking, got ${f.length}`, output);
  const at = (i: number): string => f[i] ?? '';
  const num = (i: number, what: string) => decimal(at(i), what, output);
  return {
    refId: refId(at(0), output),
    refName: at(1),
    stratum: integer(at(2), 'stratum', output),
    // field 3 is the reference time (epoch); not used
    systemTimeSeconds: num(4, 'system time'),
    lastOffsetSeconds: num(5, 'last offset'),
    rmsOffsetSeconds: num(6, 'RMS offset'),
    frequencyPpm: num(7, 'frequency'),
    // fields 8 and 9 are residual frequency and skew; not used
    rootDelaySeconds: num(10, 'root delay'),
    rootDispersionSeconds: num(11, 'root dispersion'),
    updateIntervalSeconds: num(12, 'update interval'),
    leapStatus: leap(at(13), output),
  };
}

/** Parses the human `chronyc tracking` report ("Key : value" lines). */
export function parseTrackingText(output: string): Tracking {
  const fields = new Map<string, string>();
  for (const line of boundedLines(output)) {
    // "Key   : value", split at the first ": " (a lazy key regex backtracks quadratically over spaces)
    const at = line.indexOf(': ');
    const key = line.slice(0, Math.max(0, at)).trimEnd();
    if (at > 0 && /^[A-Za-z ()]+$/.test(key)) fields.set(key, line.slice(at + 2).trim());
  }
  const field = (key: string): string => {
    const value = fields.get(key);
    if (value === undefined) throw new ParseError(`chronyc tracking has no "${key}" line`, output);
    return value;
  };
  const match = (key: string, re: RegExp): RegExpExecArray => {
    const m = re.exec(field(key));
    if (!m) throw new ParseError(`cannot read "${key}: ${field(key)}"`, output);
    return m;
  };
  const seconds = (key: string): number => decimal(match(key, /^(\S+) seconds$/)[1] ?? '', key, output);

  const ref = match('Reference ID', /^(\S+) \((.*)\)$/);
  const system = match('System time', /^(\S+) seconds (slow|fast) of NTP time$/);
  const freq = match('Frequency', /^(\S+) ppm (slow|fast)$/);
  const systemAbs = decimal(system[1] ?? '', 'system time', output);
  const freqAbs = decimal(freq[1] ?? '', 'frequency', output);
  return {
    refId: refId(ref[1] ?? '', output),
    refName: ref[2] ?? '',
    stratum: integer(field('Stratum'), 'stratum', output),
    // "slow" is positive, as in chronyc -c; `|| 0` keeps 0 from turning into -0
    systemTimeSeconds: (system[2] === 'slow' ? systemAbs : -systemAbs) || 0,
    lastOffsetSeconds: seconds('Last offset'),
    rmsOffsetSeconds: seconds('RMS offset'),
    frequencyPpm: (freq[2] === 'fast' ? freqAbs : -freqAbs) || 0,
    rootDelaySeconds: seconds('Root delay'),
    rootDispersionSeconds: seconds('Root dispersion'),
    updateIntervalSeconds: seconds('Update interval'),
    leapStatus: leap(field('Leap status'), output),
  };
}

/** Parses either form of `chronyc tracking`, telling them apart by the human form's first line. */
export function parseTracking(output: string): Tracking {
  return /^\s*Reference ID\s*:/.test(output) ? parseTrackingText(output) : parseTrackingCsv(output);
}
