import { defineCommand } from '../command-spec/define-command.js';

export const doctorCommand = defineCommand({
  words: ['doctor'],
  usage: '/lab doctor',
  summary:
    'checks everything labops needs (config, inventory, each host over SSH, Redis, Slack) and answers with one table in the thread; admins only, changes nothing',
  quick: 'lab.doctor',
  args: [],
});
