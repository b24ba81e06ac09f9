import { regexQuote } from '../remote/regex-quote.js';
import { type Section, sectionOf } from '../remote/sections.js';
import { shellQuote } from '../remote/shell-quote.js';
import type { PreflightCheck, PrepareAction } from './deploy-check.js';
import type { DeploySettings } from './deploy-vars.js';

/** What RDO asks of a RHEL-family 8/9 host before packstack (../shared/samples/packstack/ANSWERFILE.md). */
export interface PrepareInput {
  sections: Map<string, Section>;
  settings: DeploySettings;
  /** os-release ID ("centos", "rocky", "rhel", ...) and major version. */
  osId: string;
  major: '8' | '9';
}

/**
 * What `systemctl is-enabled` said: its last line. For a SysV unit such as EL8's `network`, systemctl first says
 * "network.service is not a native service, redirecting to systemd-sysv-install." and "Executing: …" (on stderr,
 * which the preflight keeps), then "enabled".
 */
export function unitState(output: string): string {
  return (
    output
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? ''
  );
}

/** Whether `rpm -q` output lists the package as installed ("name-1.2-3.el9.noarch"). */
export function rpmInstalled(output: string, name: string): boolean {
  return new RegExp(`^${regexQuote(name)}-\\d`, 'm').test(output);
}

/** Whether `dnf repolist --enabled` lists the repository id (first column, case-insensitive). */
export function repoEnabled(output: string, id: string): boolean {
  return output.split('\n').some((line) => line.trim().split(/\s+/)[0]?.toLowerCase() === id.toLowerCase());
}

/**
 * The prepare stage's changes, in the order RDO gives them: SELinux permissive; the CRB (9) or PowerTools (8)
 * repository; the release repository; `dnf update -y` before the first packstack install; on 8, network-scripts
 * and the `network` service before NetworkManager goes; firewalld and NetworkManager off; packstack. Only what is
 * not done yet; the warnings are for what labops cannot do itself.
 */
export function prepareActions(i: PrepareInput): { actions: PrepareAction[]; checks: PreflightCheck[] } {
  const s = i.settings;
  const sec = (name: string) => sectionOf(i.sections, name);
  const actions: PrepareAction[] = [];
  const checks: PreflightCheck[] = [];

  if (sec('selinux').output.trim().toLowerCase() === 'enforcing')
    actions.push({
      what: `set SELinux to permissive (setenforce 0, SELINUX=permissive in ${s.selinux_config_path})`,
      command: `setenforce 0 && sed -i 's/^SELINUX=.*/SELINUX=permissive/' ${shellQuote(s.selinux_config_path)}`,
    });

  const repos = sec('repos');
  const builder = i.major === '9' ? 'crb' : 'powertools';
  if (repos.exitCode !== 0)
    checks.push({
      level: 'warn',
      text: `repositories: dnf repolist failed (${repos.output.trim().slice(0, 120) || `exit ${repos.exitCode}`})`,
      hint: `Check dnf on the controller; packstack needs the ${builder} repository`,
    });
  else if (i.osId === 'rhel') {
    if (!/codeready-builder/i.test(repos.output))
      checks.push({
        level: 'warn',
        text: 'repositories: CodeReady Builder is not enabled',
        hint: `subscription-manager repos --enable codeready-builder-for-rhel-${i.major}-$(arch)-rpms`,
      });
  } else if (!repoEnabled(repos.output, builder))
    actions.push({
      what: `enable the ${builder} repository`,
      command: `dnf install -y dnf-plugins-core && dnf config-manager --set-enabled ${builder}`,
    });

  const pkgs = sec('packages').output;
  const release = `centos-release-openstack-${s.openstack_release}`;
  if (!rpmInstalled(pkgs, release))
    actions.push({
      what: `install the RDO ${s.openstack_release} repository (${release})`,
      command: `dnf install -y ${release}`,
    });
  const packstackInstalled = rpmInstalled(pkgs, 'openstack-packstack');
  if (!packstackInstalled)
    actions.push({
      what: 'update the system packages (dnf update -y, as RDO asks before the first install; may take minutes)',
      command: 'dnf update -y',
    });

  if (i.major === '8') {
    if (!rpmInstalled(pkgs, 'network-scripts'))
      actions.push({
        what: 'install network-scripts (on 8 the network service replaces NetworkManager)',
        command: 'dnf install -y network-scripts',
      });
  }
  for (const [name, unit] of [
    ['firewalld', 'firewalld'],
    ['networkmanager', 'NetworkManager'],
  ] as const) {
    if (unitState(sec(name).output) === 'enabled')
      actions.push({ what: `disable and stop ${unit}`, command: `systemctl disable --now ${unit}` });
  }
  if (i.major === '8' && unitState(sec('network').output) !== 'enabled')
    actions.push({ what: 'enable and start the network service', command: 'systemctl enable --now network' });
  if (!packstackInstalled)
    actions.push({ what: 'install openstack-packstack', command: 'dnf install -y openstack-packstack' });
  return { actions, checks };
}
