import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/bot/grammar.js';
import { parseInventory } from '../../../src/inventory/index.js';
import { ntpTargets, timeServerAddresses } from '../../../src/tasks/ntp-setup/ntp-targets.js';

const inventory = parseInventory(
  `all:
  hosts: { loose: {} }
  children:
    ntp_clients: { hosts: { compute1: { ansible_host: 192.168.178.51 }, compute10: {}, compute2: {} } }
    ntp_servers: { hosts: { master2: { ansible_host: 192.168.178.45 }, master1: { ansible_host: 192.168.178.44 } } }
    lab: { children: { ntp_clients: {}, ntp_servers: {} } }
`,
  'test.yml',
  { user: 'root' },
);
const names = (t: { hosts: { name: string }[] }) => t.hosts.map((h) => h.name);

describe('ntpTargets', () => {
  it('by default: every time server, then every client', () => {
    const t = ntpTargets(inventory, undefined);
    expect(t.label).toBe('ntp_servers and ntp_clients');
    expect(names(t)).toEqual(['master1', 'master2', 'compute1', 'compute2', 'compute10']);
  });

  it('a group or all: servers first there too; hosts in neither group last', () => {
    expect(names(ntpTargets(inventory, 'lab'))).toEqual([
      'master1',
      'master2',
      'compute1',
      'compute2',
      'compute10',
    ]);
    expect(names(ntpTargets(inventory, 'all')).at(-1)).toBe('loose');
    expect(names(ntpTargets(inventory, 'compute2'))).toEqual(['compute2']);
    expect(() => ntpTargets(inventory, 'nope')).toThrow(/Unknown target `nope`/);
  });

  it("gives clients the time servers' ansible_host addresses", () => {
    expect(timeServerAddresses(inventory)).toEqual(['192.168.178.44', '192.168.178.45']);
  });
});

describe('grammar entries', () => {
  it('ntp setup and host prep change hosts; ntp plan previews ntp setup', () => {
    expect(parseCommand('ntp setup')).toMatchObject({
      spec: { task: 'ntp.setup', changes: true },
      target: undefined,
    });
    expect(parseCommand('ntp plan ntp_clients')).toMatchObject({
      spec: { task: 'ntp.setup', phase: 'preview' },
      target: 'ntp_clients',
    });
    expect(parseCommand('ntp plan')).not.toMatchObject({ spec: { changes: true } });
    expect(parseCommand('host prep controller')).toMatchObject({
      spec: { task: 'host.prep', changes: true },
      target: 'controller',
    });
  });
});
