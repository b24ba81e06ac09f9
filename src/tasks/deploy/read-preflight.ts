import { HostError } from '../../errors.js';
import type { InventoryHost } from '../../inventory/index.js';
import type { SshPool } from '../../ssh/ssh-pool.js';
import type { NtpThresholds } from '../chrony/classify.js';
import { ntpStatusFromOutput } from '../chrony/host-status.js';
import { NTP_STATUS_COMMAND } from '../chrony/remote-command.js';
import { readInterfaces } from '../controller/host-commands.js';
import { usesSudo } from '../remote/become.js';
import { sectionedCommand, splitSections } from '../remote/sections.js';
import type { DeploySettings } from './deploy-vars.js';
import { judgePreflight, PREFLIGHT_NAMES, type Preflight, preflightSteps } from './preflight.js';

/** Stage 1, read-only: the facts of the controller in three SSH commands, judged. SSH failures throw HostError. */
export async function readPreflight(
  ssh: Pick<SshPool, 'exec'>,
  host: InventoryHost,
  settings: DeploySettings,
  o: { thresholds: NtpThresholds; hasPassword: boolean; signal?: AbortSignal },
): Promise<Preflight> {
  const facts = await ssh.exec(host, sectionedCommand(preflightSteps(settings, host)), { signal: o.signal });
  const sections = splitSections(facts.stdout, PREFLIGHT_NAMES);
  const ntpOut = await ssh.exec(host, NTP_STATUS_COMMAND, { signal: o.signal });
  const ntp = ntpStatusFromOutput(host.name, ntpOut.stdout, o.thresholds);
  const interfaces = await readInterfaces(ssh, host, o.signal).catch((err: unknown) => {
    if (err instanceof HostError) return { error: err.message };
    throw err;
  });
  return judgePreflight({
    sections,
    ntp,
    interfaces,
    settings,
    address: host.address,
    user: host.user,
    sudo: usesSudo(host),
    hasPassword: o.hasPassword,
  });
}
