import { HostError, ParseError } from '../../errors.js';
import type { InventoryHost } from '../../inventory/index.js';
import type { SshPool } from '../../ssh/ssh-pool.js';
import { asRoot, sudoRefusal, usesSudo } from '../remote/become.js';
import { type OsRelease, parseOsRelease } from '../remote/os-release.js';
import { parseReadFile, readFileStep } from '../remote/remote-file.js';
import { type Section, type Step, sectionedCommand, sectionOf, splitSections } from '../remote/sections.js';
import { shellQuote } from '../remote/shell-quote.js';
import { chronyLocation } from './chrony-location.js';
import type { NtpRole } from './ntp-targets.js';
import type { NtpVars } from './ntp-vars.js';

/** firewalld as a time server's change needs to know it. */
export interface FirewallFacts {
  state: 'running' | 'not-running' | 'absent';
  /** Services allowed now (runtime) and after a reload (permanent). */
  runtime: string[];
  permanent: string[];
}

/** What a host looks like now, as far as `/lab ntp setup` cares. Read-only to gather. */
export interface NtpFacts {
  os: OsRelease;
  confPath: string;
  service: string;
  /** The current chrony.conf; null when there is none. */
  conf: string | null;
  /** `systemctl is-active` and `is-enabled` words, e.g. "active", "inactive", "enabled", "disabled". */
  active: string;
  enabled: string;
  /** Time servers only. */
  firewall?: FirewallFacts;
  /** For hosts that change through sudo: sudo's refusal, when it would refuse. */
  sudoRefusal?: string;
}

const OS_RELEASE = '/etc/os-release';

function failed(host: InventoryHost, message: string, hint: string): HostError {
  return new HostError(host.name, 'command-failed', message, hint);
}

function firewallFacts(state: Section, runtime: Section, permanent: Section): FirewallFacts {
  // firewall-cmd --state prints "running" (exit 0) or "not running" (exit 252)
  if (state.exitCode === 127) return { state: 'absent', runtime: [], permanent: [] };
  if (state.exitCode !== 0 || state.output.trim() !== 'running') {
    return { state: 'not-running', runtime: [], permanent: [] };
  }
  const words = (s: Section) => (s.exitCode === 0 ? s.output.trim().split(/\s+/).filter(Boolean) : []);
  return { state: 'running', runtime: words(runtime), permanent: words(permanent) };
}

/** The state steps: chrony.conf, the unit, firewalld on time servers, sudo where changes need it. */
function stateSteps(host: InventoryHost, role: NtpRole, confPath: string, service: string): Step[] {
  const unit = shellQuote(service);
  const steps: Step[] = [
    ['conf', readFileStep(confPath)],
    ['active', `systemctl is-active -- ${unit}`],
    ['enabled', `systemctl is-enabled -- ${unit}`],
  ];
  if (role === 'server') {
    steps.push(
      ['fw-state', asRoot(host, 'firewall-cmd --state')],
      ['fw-runtime', asRoot(host, 'firewall-cmd --list-services')],
      ['fw-permanent', asRoot(host, 'firewall-cmd --permanent --list-services')],
    );
  }
  if (usesSudo(host)) steps.push(['sudo', 'sudo -n true']);
  return steps;
}

/** Reads the host's OS, chrony.conf, unit state and firewalld (two SSH commands). Throws HostError. */
export async function readNtpFacts(
  ssh: Pick<SshPool, 'exec'>,
  host: InventoryHost,
  role: NtpRole,
  vars: NtpVars,
  signal?: AbortSignal,
): Promise<NtpFacts> {
  const osOut = await ssh.exec(host, `cat ${OS_RELEASE}`, { signal });
  const os = parseOsRelease(osOut.code === 0 ? osOut.stdout : '');
  const location = chronyLocation(os, vars);
  if ('problem' in location) {
    const unread =
      osOut.code !== 0 ? `cannot read ${OS_RELEASE} (${osOut.stderr.trim().split('\n')[0] ?? ''}), so ` : '';
    throw failed(host, `${unread}${location.problem}`, location.hint);
  }
  const { confPath, service } = location;

  const steps = stateSteps(host, role, confPath, service);
  const { stdout } = await ssh.exec(host, sectionedCommand(steps), { signal });
  try {
    const out = splitSections(
      stdout,
      steps.map(([name]) => name),
    );
    const word = (name: string) => sectionOf(out, name).output.trim().split('\n')[0] ?? '';
    const sudo = out.get('sudo');
    const facts: NtpFacts = {
      os,
      confPath,
      service,
      conf: parseReadFile(sectionOf(out, 'conf'), confPath),
      active: word('active') || 'unknown',
      enabled: word('enabled') || 'unknown',
      sudoRefusal:
        sudo && sudo.exitCode !== 0
          ? (sudoRefusal(sudo.output, sudo.exitCode) ?? sudo.output.trim())
          : undefined,
    };
    if (role === 'server') {
      facts.firewall = firewallFacts(
        sectionOf(out, 'fw-state'),
        sectionOf(out, 'fw-runtime'),
        sectionOf(out, 'fw-permanent'),
      );
    }
    return facts;
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    throw failed(
      host,
      `${err.message} (${err.excerpt.split('\n')[0] ?? ''})`,
      `Log in to ${host.name} and check that ${confPath} is readable by ${host.user}.`,
    );
  }
}
