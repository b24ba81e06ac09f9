export { networkCheckTask } from './check-task.js';
export { networkListTask } from './list-task.js';
export { planNetworks } from './plan-networks.js';
export { networkSetupTask } from './setup-task.js';
