import type { InventoryHost } from '../../inventory/index.js';
import type { NtpHostStatus } from '../chrony/classify.js';
import type { IpInterface } from '../controller/parse-ip-addr.js';
import { asRoot } from '../remote/become.js';
import { firstLine } from '../remote/first-line.js';
import { osFamily, parseOsRelease } from '../remote/os-release.js';
import { type Section, type Step, sectionOf } from '../remote/sections.js';
import { shellQuote } from '../remote/shell-quote.js';
import type { PreflightCheck, PrepareAction } from './deploy-check.js';
import type { DeploySettings } from './deploy-vars.js';
import { findPackstack } from './packstack-process.js';
import { prepareActions } from './prepare-actions.js';

/**
 * The read-only steps of the preflight, in one SSH round trip. Whether the answer file exists is asked as root (it
 * lives in /root): a wrong "absent" would generate a new one with new passwords.
 */
export function preflightSteps(s: DeploySettings, host: InventoryHost): Step[] {
  const q = shellQuote;
  return [
    ['os', `cat ${q(s.os_release_path)}`],
    ['mem', `cat ${q(s.meminfo_path)}`],
    ['fqdn', 'hostname -f'],
    ['hosts', `cat ${q(s.hosts_path)}`],
    ['selinux', 'getenforce'],
    ['firewalld', 'systemctl is-enabled firewalld'],
    ['networkmanager', 'systemctl is-enabled NetworkManager'],
    ['network', 'systemctl is-enabled network'],
    [
      'packages',
      `rpm -q centos-release-openstack-${s.openstack_release} openstack-packstack network-scripts`,
    ],
    ['repos', 'dnf -q repolist --enabled'],
    [
      'answers',
      asRoot(host, `if [ -e ${q(s.packstack_answer_file)} ]; then echo present; else echo absent; fi`),
    ],
    ['running', findPackstack(s.packstack_answer_file)],
  ];
}

export const PREFLIGHT_NAMES = [
  'os',
  'mem',
  'fqdn',
  'hosts',
  'selinux',
  'firewalld',
  'networkmanager',
  'network',
  'packages',
  'repos',
  'answers',
  'running',
];

const GB = 1_000_000; // kB in a (decimal) gigabyte, as RDO's "16 GB" means
// MemTotal is what the kernel did not reserve: a 16 GB machine reports about 15.6 GB
const MIN_MEM_KB = 15 * GB;
const FQDN = /^(?=.{1,253}$)[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** What the preflight found: checks to show, and what the prepare stage would change. */
export interface Preflight {
  checks: PreflightCheck[];
  prepare: PrepareAction[];
  answerFileExists: boolean;
  blocked: boolean;
  osName?: string;
  fqdn?: string;
}

export interface PreflightInput {
  sections: Map<string, Section>;
  ntp: NtpHostStatus;
  interfaces: IpInterface[] | { error: string };
  settings: DeploySettings;
  /** The controller's address from the inventory, for its /etc/hosts entry. */
  address: string;
  /** The login user, and whether changes go through sudo -n (ansible_become). */
  user: string;
  sudo: boolean;
  hasPassword: boolean;
}

function osCheck(sec: Section): { check: PreflightCheck; name?: string; id?: string; major?: '8' | '9' } {
  if (sec.exitCode !== 0)
    return { check: { level: 'block', text: `cannot read os-release (${sec.output.trim().slice(0, 120)})` } };
  const os = parseOsRelease(sec.output);
  const major = /^\s*VERSION_ID="?(\d+)/m.exec(sec.output)?.[1];
  if (osFamily(os) === 'rhel' && (major === '8' || major === '9'))
    return { check: { level: 'ok', text: `OS: ${os.name}` }, name: os.name, id: os.id, major };
  return {
    check: {
      level: 'block',
      text: `OS: ${os.name} (ID=${os.id || '?'}, VERSION_ID=${major ?? '?'}) is not RHEL-family 8 or 9`,
      hint: 'packstack (RDO) installs on CentOS Stream, RHEL, Rocky or Alma 8/9 only',
    },
  };
}

function memCheck(sec: Section): PreflightCheck {
  const kb = Number(/^MemTotal:\s+(\d+)\s*kB/m.exec(sec.output)?.[1]);
  if (sec.exitCode !== 0 || !Number.isFinite(kb) || kb <= 0)
    return { level: 'warn', text: 'memory: could not read MemTotal' };
  const gb = (kb / GB).toFixed(1);
  return kb < MIN_MEM_KB
    ? {
        level: 'warn',
        text: `memory: ${gb} GB, under the 16 GB RDO asks for`,
        hint: 'an all-in-one may run out of memory',
      }
    : { level: 'ok', text: `memory: ${gb} GB` };
}

/** The /etc/hosts line for the address, or whether the FQDN points elsewhere. */
function hostsEntry(hostsText: string, fqdn: string, address: string): 'present' | 'absent' | string {
  for (const raw of hostsText.split('\n')) {
    const [ip, ...names] = raw.replace(/#.*/, '').trim().split(/\s+/);
    if (!ip || !names.includes(fqdn)) continue;
    return ip === address ? 'present' : ip;
  }
  return 'absent';
}

const NTP_BLOCKS = new Set(['unsynchronised', 'critical', 'error']);

/** The checks one fact gave, and the prepare steps it asks for. */
interface Found {
  checks: PreflightCheck[];
  prepare?: PrepareAction[];
}

function passwordCheck(hasPassword: boolean): PreflightCheck[] {
  if (hasPassword) return [];
  return [
    {
      level: 'block',
      text: 'no admin password configured for labops',
      hint: 'Set LAB_OPENSTACK_ADMIN_PASSWORD or LAB_OPENSTACK_ADMIN_PASSWORD_FILE where the worker runs (never in chat)',
    },
  ];
}

/** `hostname -f` must be a fully qualified name; its FQDN, when it is one. */
function hostnameCheck(sec: Section): { check: PreflightCheck; fqdn?: string } {
  const fqdn = sec.output.trim();
  if (sec.exitCode !== 0 || !FQDN.test(fqdn))
    return {
      check: {
        level: 'block',
        text: `hostname -f gives "${fqdn.slice(0, 80)}", not a fully qualified name`,
        hint: 'Set one: hostnamectl set-hostname controller.example.lab, and add it to /etc/hosts',
      },
    };
  return { check: { level: 'ok', text: `hostname: ${fqdn}` }, fqdn };
}

/** /etc/hosts maps the FQDN to the controller's address; a missing line is added by prepare when it can be. */
function hostsFileCheck(hostsText: string, fqdn: string, address: string, hostsPath: string): Found {
  const entry = hostsEntry(hostsText, fqdn, address);
  if (entry === 'present')
    return { checks: [{ level: 'ok', text: `${hostsPath} maps ${fqdn} to ${address}` }] };
  if (entry !== 'absent')
    return {
      checks: [
        {
          level: 'block',
          text: `${hostsPath} maps ${fqdn} to ${entry}, not the controller's ${address}`,
          hint: `Fix the line in ${hostsPath}`,
        },
      ],
    };
  if (!IPV4.test(address))
    return {
      checks: [{ level: 'block', text: `${hostsPath} has no entry for ${fqdn}`, hint: 'Add one by hand' }],
    };
  const line = `${address} ${fqdn} ${fqdn.split('.')[0]}`;
  const command = `printf '%s\\n' ${shellQuote(line)} >> ${shellQuote(hostsPath)}`;
  return { checks: [], prepare: [{ what: `add "${line}" to ${hostsPath}`, command }] };
}

/** The controller's clock, as /lab ntp status sees it: unsynchronised or far off refuses the deploy. */
function clockCheck(ntp: NtpHostStatus): PreflightCheck {
  if (NTP_BLOCKS.has(ntp.state))
    return {
      level: 'block',
      text: `clock: ${ntp.state === 'error' ? 'not checked' : ntp.state}${ntp.reason ? `, ${ntp.reason}` : ''}`,
      hint: ntp.hint ?? 'Fix the clock first: /lab ntp status',
    };
  return {
    level: ntp.state === 'warning' ? 'warn' : 'ok',
    text: `clock: ${ntp.state === 'ok' ? 'in sync' : 'drifting'}${ntp.reason ? ` (${ntp.reason})` : ''}`,
  };
}

/** The external interface exists, with a static address (on 9 nothing renews a lease once NetworkManager is off). */
function interfaceChecks(
  interfaces: PreflightInput['interfaces'],
  extIface: string,
  major?: string,
): PreflightCheck[] {
  if ('error' in interfaces) return [{ level: 'block', text: `interfaces: ${interfaces.error}` }];
  const ext = interfaces.find((x) => x.name === extIface);
  if (!ext)
    return [
      {
        level: 'block',
        text: `external interface ${extIface} does not exist (${interfaces.map((x) => x.name).join(', ')})`,
        hint: 'Set openstack_ext_iface in the inventory to the interface br-ex should take over',
      },
    ];
  const checks: PreflightCheck[] = [{ level: 'ok', text: `external interface ${extIface} exists` }];
  const leased = ext.ipv4.filter((a) => a.dynamic).map((a) => `${a.address}/${a.prefixlen}`);
  const [first] = leased;
  if (first) {
    const el9 = major === '9';
    checks.push({
      level: el9 ? 'block' : 'warn',
      text: `${extIface} has a DHCP address (${leased.join(', ')}); RDO needs a static one${el9 ? ': with NetworkManager off nothing would renew the lease' : ''}`,
      hint: `Make it static first: nmcli con mod <the connection of ${extIface}> ipv4.method manual ipv4.addresses ${first} ipv4.gateway <gateway> ipv4.dns <dns>, then nmcli con up <that connection> (or BOOTPROTO=none with IPADDR/PREFIX/GATEWAY in ifcfg-${extIface})`,
    });
  }
  return checks;
}

function loginCheck(user: string, sudo: boolean): PreflightCheck[] {
  if (user === 'root' || sudo) return [];
  return [
    {
      level: 'block',
      text: `labops logs in to the controller as ${user}, without sudo: packstack and the prepare steps need root`,
      hint: 'Log in as root (ansible_user: root), or give the user passwordless sudo and set ansible_become: true',
    },
  ];
}

/** Whether the answer file exists must be known for sure: a wrong "absent" would generate new passwords. */
function answerFileCheck(sec: Section, answerFile: string): PreflightCheck[] {
  if (sec.exitCode === 0 && ['present', 'absent'].includes(sec.output.trim())) return [];
  return [
    {
      level: 'block',
      text: `cannot tell as root whether ${answerFile} exists (${firstLine(sec.output, 120) || `exit ${sec.exitCode}`})`,
      hint: 'packstack needs root: log in as root, or give the inventory user sudo without a password (ansible_become)',
    },
  ];
}

function packstackRunningCheck(sec: Section): PreflightCheck[] {
  if (sec.exitCode !== 0 || !sec.output.trim()) return [];
  return [
    {
      level: 'block',
      text: `packstack is already running on the controller (${firstLine(sec.output, 160)})`,
      hint: 'Perhaps a deploy whose worker stopped: let it finish (tail -f /var/tmp/packstack/latest/openstack-setup.log) or kill that pid, then run /lab deploy openstack again',
    },
  ];
}

/** Judges the facts (pure): what is fine, what only warns, what refuses the deploy, and what prepare changes. */
export function judgePreflight(i: PreflightInput): Preflight {
  const s = i.settings;
  const sec = (name: string) => sectionOf(i.sections, name);
  const os = osCheck(sec('os'));
  const host = hostnameCheck(sec('fqdn'));
  const hosts: Found = host.fqdn
    ? hostsFileCheck(sec('hosts').output, host.fqdn, i.address, s.hosts_path)
    : { checks: [] };
  const prepare =
    os.id && os.major
      ? prepareActions({ sections: i.sections, settings: s, osId: os.id, major: os.major })
      : undefined;
  const checks: PreflightCheck[] = [
    { level: 'ok', text: 'SSH works' },
    ...passwordCheck(i.hasPassword),
    os.check,
    memCheck(sec('mem')),
    host.check,
    ...hosts.checks,
    clockCheck(i.ntp),
    ...interfaceChecks(i.interfaces, s.extIface, os.major),
    ...loginCheck(i.user, i.sudo),
    ...answerFileCheck(sec('answers'), s.packstack_answer_file),
    ...packstackRunningCheck(sec('running')),
    ...(prepare?.checks ?? []),
  ];
  return {
    checks,
    prepare: [...(hosts.prepare ?? []), ...(prepare?.actions ?? [])],
    answerFileExists: sec('answers').output.trim() === 'present',
    blocked: checks.some((c) => c.level === 'block'),
    osName: os.name,
    fqdn: host.fqdn,
  };
}
