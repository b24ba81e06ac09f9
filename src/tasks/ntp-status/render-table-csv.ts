import { type NtpHostStatus, sortWorstFirst } from '../chrony/classify.js';
import { ERROR_LABEL } from '../chrony/render-host-line.js';

/** Longest free text kept in a cell (a reason or hint comes from host output: a flood must not grow the file). */
const CELL_CHARS = 300;

const HEADER = [
  'host',
  'state',
  'offset_seconds',
  'selected_source',
  'stratum',
  'reach',
  'problem',
  'detail',
  'next_step',
];

const STATE_WORD: Readonly<Record<NtpHostStatus['state'], string>> = {
  ok: 'in sync',
  warning: 'drifting (warning)',
  critical: 'drifting (critical)',
  unsynchronised: 'not synchronised',
  error: 'error',
};

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break; text a spreadsheet would run as a
 * formula (=, +, -, @ first) gets a leading apostrophe, since host output ends up here.
 */
function cell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let text = value.replace(/[\r\n]+/g, ' ');
  if (text.length > CELL_CHARS) text = `${text.slice(0, CELL_CHARS - 1)}…`;
  if (/^[=+\-@\t]/.test(text)) text = `'${text}`;
  return /[",]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function row(s: NtpHostStatus): string {
  const sel = s.selected;
  return [
    cell(s.host),
    cell(STATE_WORD[s.state]),
    cell(s.offsetSeconds),
    cell(sel?.address),
    cell(sel?.stratum ?? s.stratum),
    cell(sel?.reachRaw),
    cell(s.errorCode ? ERROR_LABEL[s.errorCode] : undefined),
    cell(s.outputCut ? `${s.reason ?? ''} (output cut: ${s.outputCut})` : s.reason),
    cell(s.hint),
  ].join(',');
}

/** Every host of a check as one CSV table, worst first: what the summary of a large check attaches. Pure. */
export function renderNtpTableCsv(statuses: readonly NtpHostStatus[]): string {
  return `${[HEADER.join(','), ...sortWorstFirst(statuses).map(row)].join('\r\n')}\r\n`;
}
