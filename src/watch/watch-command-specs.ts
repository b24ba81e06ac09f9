import { defineCommand } from '../command-spec/define-command.js';
import { TargetName } from '../tasks/target-payload.js';

const isTarget = (v: string) => TargetName.safeParse(v).success;

export const ntpAlertsCommand = defineCommand({
  words: ['ntp', 'alerts'],
  usage: '/lab ntp alerts',
  summary: 'open clock-drift alerts and when the hosts were last checked',
  quick: 'ntp.alerts',
  args: [],
});

export const ntpWatchCommand = defineCommand({
  words: ['ntp', 'watch'],
  usage: '/lab ntp watch on|off',
  summary: 'resume or pause the clock-drift watch (admins)',
  quick: 'ntp.watch',
  args: [{ name: 'on or off', valid: (v) => /^(on|off)$/i.test(v) }],
});

export const ntpGraphCommand = defineCommand({
  words: ['ntp', 'graph'],
  usage: '/lab ntp graph <host|group> [hours]',
  summary: 'chart of clock offsets over the last hours (default 6, at most 168)',
  quick: 'ntp.graph',
  args: [
    { name: 'host or group', valid: isTarget },
    { name: 'number of hours', valid: (v) => /^\d{1,3}$/.test(v), optional: true },
  ],
});
