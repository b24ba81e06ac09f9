export { networkCheckTask } from './check-task.js';
export { networkListTask } from './list-task.js';
export { NetworkPayload } from './payload.js';
export { planNetworks } from './plan-networks.js';
export { networkSetupTask } from './setup-task.js';
