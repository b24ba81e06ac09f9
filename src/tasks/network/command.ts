import { defineCommand } from '../../command-spec/define-command.js';
import { networkCheckTask } from './check-task.js';
import { networkListTask } from './list-task.js';
import { networkSetupTask } from './setup-task.js';

export const networkListCommand = defineCommand({
  words: ['network', 'list'],
  usage: '/lab network list [<controller>]',
  summary: 'networks (external or not) with their subnets, and routers, on the OpenStack controller',
  runs: networkListTask,
  defaultTarget: 'openstack_controllers',
});

export const networkSetupCommand = defineCommand({
  words: ['network', 'setup'],
  usage: '/lab network setup [<controller>]',
  summary: "create the runbook's ext1/subext1, int1/subint1 and router1; admins only, runs after Confirm",
  runs: networkSetupTask,
  defaultTarget: 'openstack_controllers',
});

export const networkCheckCommand = defineCommand({
  words: ['network', 'check'],
  usage: '/lab network check [<controller>]',
  summary: 'br-ex has the address and ens33 none, OVS bridges and patch ports, Neutron agents alive',
  runs: networkCheckTask,
  defaultTarget: 'openstack_controllers',
});
