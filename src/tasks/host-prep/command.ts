import { defineCommand } from '../../command-spec/define-command.js';
import { hostPrepTask } from './index.js';

export const hostPrepCommand = defineCommand({
  words: ['host', 'prep'],
  usage: '/lab host prep <group|host>',
  summary:
    'SELinux to permissive now and in /etc/selinux/config (getenforce before and after); admins only, runs after Confirm',
  runs: hostPrepTask,
});
