import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/bot/grammar.js';
import { UserInputError } from '../../../src/errors.js';
import { parseInventory } from '../../../src/inventory/index.js';
import { errorStatus } from '../../../src/tasks/chrony/classify.js';
import { ntpHosts } from '../../../src/watch/ntp-hosts.js';
import { observe } from '../../../src/watch/observe.js';
import { decodePoint, encodePoint } from '../../../src/watch/offset-history.js';

describe('what the watch records of a check', () => {
  it('maps an error status to unreachable with its reason, and keeps offset and source otherwise', () => {
    const down = observe(errorStatus('h', 'daemon-down', 'chronyd does not answer', 'start it'), 5);
    expect(down).toEqual({
      at: 5,
      state: 'unreachable',
      errorCode: 'daemon-down',
      reason: 'chronyd does not answer',
      hint: 'start it',
    });
    const ok = observe(
      {
        host: 'h',
        state: 'ok',
        offsetSeconds: -1e-6,
        selected: { address: '127.0.2.1' } as never,
        reason: 'x',
      },
      6,
    );
    expect(ok).toEqual({ at: 6, state: 'ok', offsetSeconds: -1e-6, source: '127.0.2.1' });
  });

  it('stores history points compactly and reads them back', () => {
    const p = { at: 1714564985000, state: 'critical' as const, offsetSeconds: 3.000011 };
    expect(encodePoint(p)).toBe('1714564985000|critical|3.000011');
    expect(decodePoint(encodePoint(p))).toEqual(p);
    expect(decodePoint('1714564985000|unreachable|')).toEqual({ at: 1714564985000, state: 'unreachable' });
    expect(decodePoint('garbage')).toBeUndefined();
  });
});

describe('which hosts are watched', () => {
  it('the ntp groups when they exist, else every host', () => {
    const withGroups = parseInventory(
      `all:
  hosts: { other: {} }
  children:
    ntp_servers: { hosts: { ntp1: {}, ntp2: {} } }
    ntp_clients: { hosts: { web-10: {}, web-2: {}, ntp1: {} } }
`,
      'test',
      { user: 'root' },
    );
    expect(ntpHosts(withGroups).map((h) => h.name)).toEqual(['ntp1', 'ntp2', 'web-2', 'web-10']);
    const flat = parseInventory('all:\n  hosts: { b: {}, a: {} }\n', 'test', { user: 'root' });
    expect(ntpHosts(flat).map((h) => h.name)).toEqual(['a', 'b']);
  });
});

describe('the watch commands in the grammar', () => {
  it('reads them as quick commands with checked arguments', () => {
    expect(parseCommand('ntp alerts')).toMatchObject({ spec: { task: 'ntp.alerts', quick: true }, args: [] });
    expect(parseCommand('ntp watch OFF')).toMatchObject({ spec: { task: 'ntp.watch' }, args: ['OFF'] });
    expect(parseCommand('ntp graph ntp_clients 24')).toMatchObject({
      spec: { task: 'ntp.graph' },
      args: ['ntp_clients', '24'],
    });
    expect(parseCommand('ntp graph client-drift')).toMatchObject({ args: ['client-drift'] });
  });
  it('refuses bad arguments with the usage', () => {
    expect(() => parseCommand('ntp watch maybe')).toThrow(
      /not a valid on or off. Usage: `\/lab ntp watch on\|off`/,
    );
    expect(() => parseCommand('ntp watch')).toThrow(/Missing the on or off/);
    expect(() => parseCommand('ntp graph')).toThrow(UserInputError);
    expect(() => parseCommand('ntp graph $(id) 2')).toThrow(/not a valid host or group/);
    expect(() => parseCommand('ntp graph a 1h')).toThrow(/not a valid number of hours/);
    expect(() => parseCommand('ntp alerts now')).toThrow(/Too many arguments/);
  });
});
