import { ParseError } from '../../errors.js';
import { decimal, integer, octalReach } from './parse-number.js';
import { type Source, sourceMode, sourceState } from './source.js';

// chronyc picks the unit so that at most 4 digits show (client.c print_nanoseconds); years are 365 days.
const UNIT_SECONDS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  y: 365 * 86400,
};

const VALUE = String.raw`([+-]?\d+(?:\.\d+)?)(ns|us|ms|s|m|h|d|y)`;
// "^* 127.0.0.41   3  -2   377     1   +588ns[ +585ns] +/- 3897ns"
const ROW = new RegExp(
  String.raw`^(\S)(\S) (\S+)\s+(\d+)\s+(-?\d+)\s+(\d+)\s+(-|\d+[mhdy]?)\s+${VALUE}\[\s*${VALUE}\]\s+\+/-\s+${VALUE}\s*$`,
);
const HEADER = /^MS Name\/IP address\s+Stratum Poll Reach LastRx Last sample\s*$/;
const LEGACY_COUNT = /^210 Number of sources = (\d+)$/;

function withUnit(value: string | undefined, unit: string | undefined, raw: string): number {
  const scale = UNIT_SECONDS[unit ?? ''] ?? Number.NaN;
  return decimal(value ?? '', 'offset', raw) * scale || 0;
}

/** LastRx: "5" seconds, "23m", "10h", "3d", "2y" (rounded down by chronyc), or "-" for never. */
function lastRx(text: string, raw: string): number | null {
  if (text === '-') return null;
  const unit = /[mhdy]$/.test(text) ? text.slice(-1) : 's';
  return integer(unit === 's' ? text : text.slice(0, -1), 'LastRx', raw) * (UNIT_SECONDS[unit] ?? 1);
}

function parseRow(line: string): Source {
  const m = ROW.exec(line);
  if (!m) throw new ParseError('cannot read this line of chronyc sources', line);
  return {
    mode: sourceMode(m[1] ?? '', line),
    state: sourceState(m[2] ?? '', line),
    address: m[3] ?? '',
    stratum: integer(m[4] ?? '', 'stratum', line),
    poll: integer(m[5] ?? '', 'poll', line),
    reach: octalReach(m[6] ?? '', line),
    reachRaw: m[6] ?? '',
    lastRxSeconds: lastRx(m[7] ?? '', line),
    offsetSeconds: withUnit(m[8], m[9], line),
    measuredOffsetSeconds: withUnit(m[10], m[11], line),
    errorSeconds: withUnit(m[12], m[13], line),
  };
}

/**
 * Parses the human `chronyc sources` table of chrony 4.x, and of 3.x, which first prints
 * "210 Number of sources = N". Offsets come back in seconds, rounded as chronyc displayed them.
 */
export function parseSourcesTable(output: string): Source[] {
  const lines = output.split('\n').map((l) => l.replace(/\r$/, ''));
  const header = lines.findIndex((l) => HEADER.test(l));
  if (header < 0) throw new ParseError('no "MS Name/IP address" header in chronyc sources', output);
  const before = lines.slice(0, header).filter((l) => l.trim() !== '');
  const legacy = before.length === 1 ? LEGACY_COUNT.exec(before[0] ?? '') : null;
  if (before.length > 0 && !legacy)
    throw new ParseError('unexpected text before the chronyc sources header', output);
  if (!/^=+$/.test(lines[header + 1] ?? '')) {
    throw new ParseError('no "====" line under the chronyc sources header', output);
  }
  const sources = lines
    .slice(header + 2)
    .filter((l) => l.trim() !== '')
    .map(parseRow);
  if (legacy && Number(legacy[1]) !== sources.length) {
    throw new ParseError(`chronyc announced ${legacy[1]} sources but listed ${sources.length}`, output);
  }
  return sources;
}
