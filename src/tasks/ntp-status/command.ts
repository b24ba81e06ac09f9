import { defineCommand } from '../../command-spec/define-command.js';
import { ntpStatusTask } from './index.js';

export const ntpStatusCommand = defineCommand({
  words: ['ntp', 'status'],
  usage: '/lab ntp status [all|<group>|<host>]',
  summary: 'clock sync state of every host, a group or a host (chronyc tracking and sources)',
  runs: ntpStatusTask,
});
