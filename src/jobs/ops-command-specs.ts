import { defineCommand } from '../command-spec/define-command.js';

export const jobsCommand = defineCommand({
  words: ['jobs'],
  usage: '/lab jobs',
  summary: 'running and recent jobs: command, who, targets, state, time; Cancel on your own running ones',
  quick: 'lab.jobs',
  args: [],
});

export const cancelCommand = defineCommand({
  words: ['cancel'],
  usage: '/lab cancel <job>',
  summary: 'stop a running or waiting job (its requester or an admin); remote commands are killed',
  quick: 'lab.cancel',
  args: [{ name: 'job id (see /lab jobs)', valid: (v) => /^[A-Za-z0-9][\w.:-]{0,79}$/.test(v) }],
});

export const historyCommand = defineCommand({
  words: ['history'],
  usage: '/lab history [n]',
  summary:
    'the audit trail: the last n commands, confirmations, refusals, cancels and results (default 20, at most 100)',
  quick: 'lab.history',
  args: [
    {
      name: 'number of entries (1-100)',
      valid: (v) => /^\d{1,3}$/.test(v) && +v >= 1 && +v <= 100,
      optional: true,
    },
  ],
});
