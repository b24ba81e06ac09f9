import { HostError, ParseError } from '../../errors.js';
import type { InventoryHost } from '../../inventory/index.js';
import type { SshPool } from '../../ssh/ssh-pool.js';
import { sudoRefusal, usesSudo } from '../remote/become.js';
import { parseReadFile, readFileStep } from '../remote/remote-file.js';
import { type Step, sectionedCommand, sectionOf, splitSections } from '../remote/sections.js';
import { type PrepFacts, SELINUX_CONFIG } from './plan-host-prep.js';
import { parseGetenforce } from './selinux-config.js';

/** Reads getenforce and /etc/selinux/config in one SSH command (and whether sudo would work). Throws HostError. */
export async function readPrepFacts(
  ssh: Pick<SshPool, 'exec'>,
  host: InventoryHost,
  signal?: AbortSignal,
): Promise<PrepFacts> {
  const steps: Step[] = [
    ['getenforce', 'getenforce'],
    ['config', readFileStep(SELINUX_CONFIG)],
  ];
  if (usesSudo(host)) steps.push(['sudo', 'sudo -n true']);
  const { stdout } = await ssh.exec(host, sectionedCommand(steps), { signal });
  try {
    const out = splitSections(
      stdout,
      steps.map(([name]) => name),
    );
    const get = sectionOf(out, 'getenforce');
    const runtime = get.exitCode === 127 ? 'absent' : parseGetenforce(get.output);
    if (!runtime) throw new ParseError('getenforce gave no mode', get.output);
    const sudo = out.get('sudo');
    return {
      runtime,
      config: parseReadFile(sectionOf(out, 'config'), SELINUX_CONFIG),
      sudoRefusal:
        sudo && sudo.exitCode !== 0
          ? (sudoRefusal(sudo.output, sudo.exitCode) ?? sudo.output.trim())
          : undefined,
    };
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    throw new HostError(
      host.name,
      'command-failed',
      `${err.message} (${err.excerpt.split('\n')[0] ?? ''})`,
      `Log in to ${host.name} and run getenforce and cat ${SELINUX_CONFIG} to see what is wrong.`,
    );
  }
}
