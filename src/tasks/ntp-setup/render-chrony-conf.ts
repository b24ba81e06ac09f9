import type { Upstream } from './ntp-vars.js';

/** What one host's chrony.conf says: a time server of the lab, or a client of the lab's time servers. */
export type ChronyConfSpec =
  | {
      role: 'server';
      upstreams: readonly Upstream[];
      /** Networks allowed to ask this server for time (CIDRs). */
      allow: readonly string[];
      localStratum: number;
      /** Extra option words for every pool/server line, e.g. ["minpoll", "-2"]. */
      options: readonly string[];
    }
  | { role: 'client'; servers: readonly string[]; options: readonly string[] };

export const MANAGED_HEADER =
  '# Managed by labops (/lab ntp setup): local changes are replaced on the next run.';

const sourceLine = (kind: string, address: string, options: readonly string[]) =>
  [kind, address, 'iburst', ...options].join(' ');

/**
 * chrony.conf as the runbook writes it for a stratum-3 time server (pool/server lines, allow, local stratum), or
 * its client variant (server lines for the lab's time servers; no allow, no local). Pure: same spec, same text.
 */
export function renderChronyConf(spec: ChronyConfSpec): string {
  const sources =
    spec.role === 'server'
      ? spec.upstreams.map((u) => sourceLine(u.kind, u.address, spec.options))
      : spec.servers.map((s) => sourceLine('server', s, spec.options));
  const serving =
    spec.role === 'server'
      ? [
          '# Allow NTP client access from local network.',
          ...spec.allow.map((cidr) => `allow ${cidr}`),
          '# Serve time even if not synchronized to a time source.',
          `local stratum ${spec.localStratum}`,
        ]
      : [];
  const lines = [
    MANAGED_HEADER,
    ...sources,
    '',
    '# Record the rate at which the system clock gains/losses time.',
    'driftfile /var/lib/chrony/drift',
    '# Allow the system clock to be stepped in the first three updates',
    '# if its offset is larger than 1 second.',
    'makestep 1.0 3',
    '# Enable kernel synchronization of the real-time clock (RTC).',
    'rtcsync',
    '# Enable hardware timestamping on all interfaces that support it.',
    '#hwtimestamp *',
    '# Increase the minimum number of selectable sources required to adjust',
    '# the system clock.',
    '#minsources 2',
    ...serving,
    '# Specify file containing keys for NTP authentication.',
    'keyfile /etc/chrony.keys',
    '# Get TAI-UTC offset and leap seconds from the system tz database.',
    '#leapsectz right/UTC',
    '# Specify directory for log files.',
    'logdir /var/log/chrony',
    '# Select which information is logged.',
    '#log measurements statistics tracking',
  ];
  return `${lines.join('\n')}\n`;
}
