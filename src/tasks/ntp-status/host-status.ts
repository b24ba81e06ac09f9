import { ParseError } from '../../errors.js';
import { classifyNtp, errorStatus, type NtpHostStatus, type NtpThresholds } from './classify.js';
import { chronycFailure } from './parse-chronyc-error.js';
import { parseSourcesCsv } from './parse-sources.js';
import { parseTrackingCsv } from './parse-tracking.js';
import { splitStatusOutput } from './remote-command.js';

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
 * 'error' statuses, never exceptions.
 */
export function ntpStatusFromOutput(host: string, stdout: string, thresholds: NtpThresholds): NtpHostStatus {
  try {
    const out = splitStatusOutput(stdout);
    const failure =
      chronycFailure(out.tracking, 'chronyc -n -c tracking') ??
      chronycFailure(out.sourcesCsv, 'chronyc -n -c sources');
    if (failure) return errorStatus(host, failure.code, failure.message, failure.hint);
    const status = classifyNtp(
      host,
      parseTrackingCsv(out.tracking.output),
      parseSourcesCsv(out.sourcesCsv.output),
      thresholds,
    );
    // the human table is for people only; if it failed, the thread just goes without it
    return out.sourcesTable.exitCode === 0 ? { ...status, sourcesTable: out.sourcesTable.output } : status;
  } catch (error) {
    if (error instanceof ParseError) return unreadable(host, error);
    throw error;
  }
}
