import { defineCommand } from '../../command-spec/define-command.js';
import { CEPH_MONS, cephHealthTask, cephStatusTask } from './index.js';

export const cephStatusCommand = defineCommand({
  words: ['ceph', 'status'],
  usage: '/lab ceph status [<group>|<host>]',
  summary:
    'Ceph health with every check, quorum, OSDs, PGs and usage from the first monitor that answers; skewed monitors with their chrony state',
  runs: cephStatusTask,
  defaultTarget: CEPH_MONS,
});

export const cephHealthCommand = defineCommand({
  words: ['ceph', 'health'],
  usage: '/lab ceph health [<group>|<host>]',
  summary: "just Ceph's health checks (ceph health detail), for a quick look",
  runs: cephHealthTask,
  defaultTarget: CEPH_MONS,
});
