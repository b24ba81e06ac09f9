import { deployOpenstackTask } from './deploy/index.js';
import { hostPrepTask } from './host-prep/index.js';
import { networkCheckTask, networkListTask, networkSetupTask } from './network/index.js';
import { ntpSetupTask } from './ntp-setup/index.js';
import { ntpStatusTask } from './ntp-status/index.js';
import type { Task } from './task.js';

/** Every task a worker can run, by job name. */
export const ALL_TASKS: readonly Task[] = [
  ntpStatusTask,
  ntpSetupTask,
  hostPrepTask,
  networkListTask,
  networkSetupTask,
  networkCheckTask,
  deployOpenstackTask,
];
