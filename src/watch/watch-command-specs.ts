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

export const ntpAckCommand = defineCommand({
  words: ['ntp', 'ack'],
  usage: '/lab ntp ack <host>',
  summary: "acknowledge a host's drift alert: says who in its thread and stops its reminders",
  quick: 'ntp.ack',
  args: [{ name: 'host', valid: isTarget }],
});

export const ntpSilenceCommand = defineCommand({
  words: ['ntp', 'silence'],
  usage: '/lab ntp silence <host|group> <30m|2h|1d|until-sync> [reason]',
  summary: 'post no drift alerts for a host or group for a while, at most 7 days; still checked (admins)',
  quick: 'ntp.silence',
  args: [
    { name: 'host or group', valid: isTarget },
    { name: 'duration (30m, 2h, 1d or until-sync)', valid: (v) => /^(\d{1,5}[mhd]|until-sync)$/i.test(v) },
    { name: 'reason', valid: (v) => v.length <= 200, optional: true, rest: true },
  ],
});

export const ntpUnsilenceCommand = defineCommand({
  words: ['ntp', 'unsilence'],
  usage: '/lab ntp unsilence <host|group>',
  summary: 'end the silence of a host or group (admins)',
  quick: 'ntp.unsilence',
  args: [{ name: 'host or group', valid: isTarget }],
});

export const cephAckCommand = defineCommand({
  words: ['ceph', 'ack'],
  usage: '/lab ceph ack',
  summary: "acknowledge the Ceph cluster's open alert: says who in its thread, and tells PagerDuty",
  quick: 'ceph.ack',
  args: [],
});
