import { ParseError } from '../../errors.js';
import { decimal, integer, octalReach } from './parse-number.js';
import { parseSourcesTable } from './parse-sources-table.js';
import { type Source, sourceMode, sourceState } from './source.js';

export type { Source, SourceMode, SourceState } from './source.js';

/** chronyc's "never": (uint32_t)-1. */
const NEVER = 4294967295;

function parseCsvLine(line: string): Source {
  const f = line.split(',');
  if (f.length !== 10)
    throw new ParseError(`expected 10 fields in chronyc -c sources, got ${f.length}`, line);
  const at = (i: number): string => f[i] ?? '';
  const lastRx = integer(at(6), 'lastRx', line);
  return {
    mode: sourceMode(at(0), line),
    state: sourceState(at(1), line),
    address: at(2),
    stratum: integer(at(3), 'stratum', line),
    poll: integer(at(4), 'poll', line),
    reach: octalReach(at(5), line),
    reachRaw: at(5),
    lastRxSeconds: lastRx === NEVER ? null : lastRx,
    offsetSeconds: decimal(at(7), 'offset', line),
    measuredOffsetSeconds: decimal(at(8), 'measured offset', line),
    errorSeconds: decimal(at(9), 'error', line),
  };
}

/** Parses `chronyc -c sources`; no output means no sources. */
export function parseSourcesCsv(output: string): Source[] {
  return output
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map(parseCsvLine);
}

/** Parses either form of `chronyc sources`: the human table is recognised by its "MS Name/IP address" header. */
export function parseSources(output: string): Source[] {
  return /^MS Name\/IP address/m.test(output) ? parseSourcesTable(output) : parseSourcesCsv(output);
}
