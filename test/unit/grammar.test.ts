import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/bot/grammar.js';
import { UserInputError } from '../../src/errors.js';

describe('parseCommand', () => {
  it('reads help in its forms', () => {
    for (const t of ['', '  ', 'help', '--help', '?']) expect(parseCommand(t)).toEqual({ kind: 'help' });
  });

  it('reads ntp status with and without a target, case-insensitive words', () => {
    expect(parseCommand('ntp status')).toMatchObject({
      kind: 'task',
      spec: { task: 'ntp.status' },
      target: undefined,
    });
    expect(parseCommand(' NTP   Status  ntp_clients ')).toMatchObject({
      kind: 'task',
      target: 'ntp_clients',
    });
    expect(parseCommand('ntp status controller')).toMatchObject({ target: 'controller' });
  });

  it('refuses unknown commands, extra arguments and hostile targets with what is valid', () => {
    expect(() => parseCommand('reboot everything')).toThrow(
      /Unknown command `reboot everything`.*\/lab ntp status/,
    );
    expect(() => parseCommand('ntp status a b')).toThrow(/Too many arguments. Usage: `\/lab ntp status/);
    for (const bad of ['$(reboot)', 'a;b', '../etc', '`id`', 'ho st|x', '-rf', 'ünïcode']) {
      expect(() => parseCommand(`ntp status ${bad}`)).toThrow(UserInputError);
    }
    expect(() => parseCommand(`ntp status ${'x'.repeat(600)}`)).toThrow(/too long/);
  });

  it('never echoes markup or mentions back', () => {
    try {
      parseCommand('<!channel> *bold* `code`');
    } catch (err) {
      expect((err as Error).message).not.toMatch(/<!channel>|\*bold\*/);
    }
    expect.assertions(1);
  });
});
