import type { SharedFile } from '../../chat/file-sink.js';
import type { InstallResult } from './install-stage.js';
import { mask } from './mask.js';
import { failedStep } from './packstack-output.js';

/** What the thread says about a failed packstack run (plain lines, pure). */
export interface InstallFailure {
  step: string;
  lines: string[];
}

export function installFailure(host: string, install: InstallResult): InstallFailure {
  const p = install.progress;
  const step = failedStep(p) ?? 'unknown (packstack printed no failing step)';
  return {
    step,
    lines: [
      `packstack failed on ${host} (exit ${install.code ?? 'signal'}) at: ${step}`,
      ...p.errors,
      `setup log: ${p.setupLog ?? 'not named'}`,
      `manifest log: ${p.manifestLog ?? p.manifestsDir ?? 'not named'}`,
      `Fix what the errors name, then run /lab deploy openstack again: it reuses the answer file, and packstack re-runs are safe.`,
    ],
  };
}

/** The log's tail as a file for the thread, every known secret masked. */
export function tailFile(
  host: string,
  tail: NonNullable<InstallResult['tail']>,
  secrets: readonly string[],
  threadTs: string,
): SharedFile {
  return {
    filename: `packstack-${host}-tail.log`,
    title: `Last lines of ${tail.from} on ${host}`,
    bytes: new TextEncoder().encode(mask(tail.text, secrets)),
    threadTs,
  };
}
