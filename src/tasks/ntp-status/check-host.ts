import { HostError, ParseError } from '../../errors.js';
import type { InventoryHost } from '../../inventory/index.js';
import type { SshPool } from '../../ssh/ssh-pool.js';
import { classifyNtp, errorStatus, type NtpHostStatus } from './classify.js';
import { chronycFailure } from './parse-chronyc-error.js';
import { parseSourcesCsv } from './parse-sources.js';
import { parseTrackingCsv } from './parse-tracking.js';
import { NTP_STATUS_COMMAND, splitStatusOutput } from './remote-command.js';

export interface CheckOptions {
  thresholds: { warnMs: number; critMs: number };
  signal?: AbortSignal;
}

/** Checks one host; every failure becomes that host's status, never an exception. */
export async function checkHost(
  ssh: Pick<SshPool, 'exec'>,
  host: InventoryHost,
  opts: CheckOptions,
): Promise<NtpHostStatus> {
  try {
    const { stdout } = await ssh.exec(host, NTP_STATUS_COMMAND, { signal: opts.signal });
    const out = splitStatusOutput(stdout);
    const failure = chronycFailure(out.tracking) ?? chronycFailure(out.sourcesCsv);
    if (failure) return errorStatus(host.name, failure.code, failure.message, failure.hint);
    const status = classifyNtp(
      host.name,
      parseTrackingCsv(out.tracking.output),
      parseSourcesCsv(out.sourcesCsv.output),
      opts.thresholds,
    );
    return { ...status, sourcesTable: out.sourcesTable.output };
  } catch (err) {
    if (err instanceof HostError) return errorStatus(host.name, err.code, err.message, err.hint);
    if (err instanceof ParseError) {
      return errorStatus(
        host.name,
        'command-failed',
        `could not read chronyc's output (${err.message}): ${err.excerpt}`,
        'Check the chrony version on the host (labops reads chrony 3.x and 4.x).',
      );
    }
    throw err;
  }
}
