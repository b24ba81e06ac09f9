import type { CommandSpec } from '../command-spec/define-command.js';
import { doctorCommand } from '../doctor/doctor-command.js';
import { cancelCommand, historyCommand, jobsCommand } from '../jobs/ops-command-specs.js';
import { cephHealthCommand, cephStatusCommand } from '../tasks/ceph/command.js';
import { deployOpenstackCommand } from '../tasks/deploy/command.js';
import { hostPrepCommand } from '../tasks/host-prep/command.js';
import { networkCheckCommand, networkListCommand, networkSetupCommand } from '../tasks/network/command.js';
import { ntpPlanCommand, ntpSetupCommand } from '../tasks/ntp-setup/command.js';
import { ntpStatusCommand } from '../tasks/ntp-status/command.js';
import type { Task } from '../tasks/task.js';
import {
  cephAckCommand,
  ntpAckCommand,
  ntpAlertsCommand,
  ntpGraphCommand,
  ntpSilenceCommand,
  ntpUnsilenceCommand,
  ntpWatchCommand,
} from '../watch/watch-command-specs.js';

export type { ArgSpec, CommandSpec, QuickName } from '../command-spec/define-command.js';

/**
 * Every /lab command, in the order `/lab help` lists them: one line here per command, declared beside what
 * implements it. The grammar, the help, the worker's tasks and the quick handlers all derive from this list.
 */
export const COMMANDS: readonly CommandSpec[] = [
  ntpStatusCommand,
  ntpSetupCommand,
  ntpPlanCommand,
  hostPrepCommand,
  ntpAlertsCommand,
  ntpWatchCommand,
  ntpGraphCommand,
  ntpAckCommand,
  ntpSilenceCommand,
  ntpUnsilenceCommand,
  networkListCommand,
  networkSetupCommand,
  networkCheckCommand,
  cephStatusCommand,
  cephHealthCommand,
  cephAckCommand,
  deployOpenstackCommand,
  jobsCommand,
  cancelCommand,
  historyCommand,
  doctorCommand,
];

/** Every task a worker can run, by job name: the tasks of the commands above, each once. */
export const ALL_TASKS: readonly Task[] = [...new Set(COMMANDS.flatMap((c) => (c.runs ? [c.runs] : [])))];
