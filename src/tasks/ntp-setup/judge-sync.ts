import { ParseError } from '../../errors.js';
import type { NtpHostStatus, NtpThresholds } from '../chrony/classify.js';
import { ntpStatusFromOutput } from '../chrony/host-status.js';
import { parseTrackingText } from '../chrony/parse-tracking.js';
import { splitStatusOutput } from '../chrony/remote-command.js';
import type { NtpRole } from './ntp-targets.js';

// chronyd's reference ID while it serves its own clock (`local stratum N`)
const LOCAL_REFID = '7F7F0101';

function servesLocalClock(stdout: string): number | undefined {
  try {
    const { tracking } = splitStatusOutput(stdout);
    if (tracking.exitCode !== 0) return undefined;
    const t = parseTrackingText(tracking.output);
    return t.refId === LOCAL_REFID ? t.stratum : undefined;
  } catch (err) {
    if (err instanceof ParseError) return undefined;
    throw err;
  }
}

/**
 * Pure: whether a host set up just now is done, from the output of the ntp status command. A host is synced when
 * it has selected a source; a time server also when it serves its local clock (`local stratum`), even while its
 * upstreams are not reachable yet.
 */
export function judgeSync(
  host: string,
  role: NtpRole,
  stdout: string,
  thresholds: NtpThresholds,
): { synced: boolean; status: NtpHostStatus } {
  const status = ntpStatusFromOutput(host, stdout, thresholds);
  if (['ok', 'warning', 'critical'].includes(status.state)) return { synced: true, status };
  const localStratum = role === 'server' ? servesLocalClock(stdout) : undefined;
  if (localStratum !== undefined && status.state === 'unsynchronised') {
    const waiting = status.reason?.replace(/^serving its local clock \(stratum \d+\) because /, '');
    return {
      synced: true,
      status: {
        host,
        state: 'ok',
        stratum: localStratum,
        sourcesTable: status.sourcesTable,
        reason: `serving local clock, stratum ${localStratum}${waiting ? ` (upstream not reached yet: ${waiting})` : ''}`,
      },
    };
  }
  return { synced: false, status };
}
