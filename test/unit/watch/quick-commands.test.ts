import { describe, expect, it } from 'vitest';
import { quickCommands } from '../../../src/bot/quick-commands.js';
import { UserInputError } from '../../../src/errors.js';

const who = { user: 'U1', channel: 'C1' };

describe('quick commands', () => {
  const seen: Array<readonly string[]> = [];
  const quick = quickCommands({
    'ntp.alerts': async (args) => {
      seen.push(args);
      return { kind: 'reply', message: { text: 'alerts' } };
    },
    'ntp.graph': async () => {
      throw new UserInputError('Unknown target `x`.');
    },
  });

  it('answers the grammar quick commands with their checked arguments', async () => {
    expect(await quick('ntp alerts', who)).toEqual({ kind: 'reply', message: { text: 'alerts' } });
    expect(seen).toEqual([[]]);
  });

  it('leaves other commands and bad text to dispatch', async () => {
    expect(await quick('ntp status', who)).toBeUndefined();
    expect(await quick('help', who)).toBeUndefined();
    expect(await quick('ntp watch maybe', who)).toBeUndefined();
    expect(await quick('reboot', who)).toBeUndefined();
  });

  it('turns a handler UserInputError into the reply, and says when no handler is wired', async () => {
    expect(await quick('ntp graph x', who)).toEqual({
      kind: 'reply',
      message: { text: 'Unknown target `x`.' },
    });
    expect(await quick('ntp watch on', who)).toMatchObject({
      kind: 'reply',
      message: { text: expect.stringContaining('is not available') },
    });
  });
});
