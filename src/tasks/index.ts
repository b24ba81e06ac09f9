import { ntpStatusTask } from './ntp-status/index.js';
import type { Task } from './task.js';

/** Every task a worker can run, by job name. */
export const ALL_TASKS: readonly Task[] = [ntpStatusTask];
