import { defineCommand } from '../../command-spec/define-command.js';
import { ntpSetupTask } from './index.js';

export const ntpSetupCommand = defineCommand({
  words: ['ntp', 'setup'],
  usage: '/lab ntp setup [all|<group>|<host>]',
  summary:
    'chrony.conf as the runbook writes it, UDP 123 open on time servers, chronyd restarted and checked; default: ntp_servers, then ntp_clients; admins only, runs after Confirm',
  runs: ntpSetupTask,
});

export const ntpPlanCommand = defineCommand({
  words: ['ntp', 'plan'],
  usage: '/lab ntp plan [all|<group>|<host>]',
  summary: 'what /lab ntp setup would change (chrony.conf diffs, firewall, restarts); changes nothing',
  runs: ntpSetupTask,
  phase: 'preview',
});
