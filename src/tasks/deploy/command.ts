import { defineCommand } from '../../command-spec/define-command.js';
import { deployOpenstackTask } from './index.js';

export const deployOpenstackCommand = defineCommand({
  words: ['deploy', 'openstack'],
  usage: '/lab deploy openstack [<controller>]',
  summary:
    "the runbook's packstack all-in-one: preflight, prepare, answer file, install with live progress, verify; admins only, runs after Confirm",
  runs: deployOpenstackTask,
  defaultTarget: 'openstack_controllers',
});
