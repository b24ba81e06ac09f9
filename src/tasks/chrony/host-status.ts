import { ParseError } from '../../errors.js';
import { classifyNtp, errorStatus, type NtpHostStatus, type NtpThresholds } from './classify.js';
import { chronycFailure } from './parse-chronyc-error.js';
import { parseSourcesTable } from './parse-sources-table.js';
import { parseTrackingText } from './parse-tracking.js';
import { CHRONYC_COMMAND, splitStatusOutput } from './remote-command.js';

function unreadable(host: string, error: ParseError): NtpHostStatus {
  const excerpt = error.excerpt.split('\n')[0] ?? '';
  return errorStatus(
    host,
    'command-failed',
    `could not read chronyc output: ${error.message}${excerpt ? ` ("${excerpt}")` : ''}`,
    'Run chronyc -n tracking and chronyc -n sources on the host to see what it prints; labops reads chrony 3.x and 4.x.',
  );
}

/**
 * One host's status from the stdout of NTP_STATUS_COMMAND: chronyc failures and unreadable output become
 * 'error' statuses, never exceptions. The sources table it classifies by is the one the thread shows.
 */
export function ntpStatusFromOutput(host: string, stdout: string, thresholds: NtpThresholds): NtpHostStatus {
  try {
    const out = splitStatusOutput(stdout);
    const failure = chronycFailure(out.chronyc, CHRONYC_COMMAND);
    if (failure) return errorStatus(host, failure.code, failure.message, failure.hint);
    const status = classifyNtp(
      host,
      parseTrackingText(out.tracking.output),
      parseSourcesTable(out.sourcesTable),
      thresholds,
    );
    return { ...status, sourcesTable: out.sourcesTable };
  } catch (error) {
    if (error instanceof ParseError) return unreadable(host, error);
    throw error;
  }
}
