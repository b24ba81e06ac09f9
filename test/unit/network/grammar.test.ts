import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/bot/grammar.js';
import { renderHelp } from '../../../src/bot/render-help.js';
import { ALL_TASKS } from '../../../src/commands/index.js';
import { UserInputError } from '../../../src/errors.js';

describe('network commands in the grammar', () => {
  it('parses list, setup and check, with and without a controller; only setup changes the lab', () => {
    expect(parseCommand('network list')).toMatchObject({ spec: { task: 'network.list' }, target: undefined });
    expect(parseCommand('Network Check controller')).toMatchObject({
      spec: { task: 'network.check' },
      target: 'controller',
    });
    const setup = parseCommand('network setup');
    expect(setup).toMatchObject({ spec: { task: 'network.setup', changes: true } });
    expect(parseCommand('network list')).not.toMatchObject({ spec: { changes: true } });
    expect(() => parseCommand('network setup $(reboot)')).toThrow(UserInputError);
    expect(() => parseCommand('network delete')).toThrow(/Unknown command/);
  });

  it('every network command has a task the worker can run, and setup has a plan step', () => {
    for (const words of ['list', 'setup', 'check']) {
      const parsed = parseCommand(`network ${words}`);
      const task = parsed.kind === 'task' ? ALL_TASKS.find((t) => t.name === parsed.spec.task) : undefined;
      expect(task, `network ${words}`).toBeDefined();
      expect(Boolean(task?.plan)).toBe(words === 'setup');
    }
    expect(renderHelp().text).toContain('/lab network setup [<controller>]');
  });
});
