import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openstackCommand } from '../../../src/tasks/controller/openstack-command.js';
import { desiredNetworks } from '../../../src/tasks/network/desired-networks.js';
import { planNetworks } from '../../../src/tasks/network/plan-networks.js';
import { stepArgs } from '../../../src/tasks/network/setup-commands.js';
import { shellWord as shellQuote } from '../../../src/tasks/remote/shell-quote.js';

describe('setup commands', () => {
  it('are exactly the CLI lines of the shared CLI facts, from an empty Neutron with the default layout', () => {
    const cliMd = readFileSync(
      new URL('../../../../shared/samples/openstack/CLI.md', import.meta.url),
      'utf8',
    );
    const expected = cliMd
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('openstack ') && !l.includes('list --name'));
    const actions = planNetworks(
      { networks: [], subnets: [], routers: [] },
      desiredNetworks({}, 'controller'),
    );
    // ours says --internal explicitly; the CLI's default is the same
    const ours = actions.map((a) => ['openstack', ...stepArgs(a.step)].join(' ').replace(' --internal', ''));
    expect(ours).toEqual(expected);
  });

  it('source keystonerc_admin first and quote anything that is not plain', () => {
    expect(openstackCommand(['network', 'list', '--long', '-f', 'json'])).toBe(
      '. ~/keystonerc_admin && openstack network list --long -f json',
    );
    expect(shellQuote('10.0.0.0/24')).toBe('10.0.0.0/24');
    expect(shellQuote('start=10.0.0.210,end=10.0.0.220')).toBe('start=10.0.0.210,end=10.0.0.220');
    expect(shellQuote("a'b; rm -rf /")).toBe(`'a'\\''b; rm -rf /'`);
    expect(shellQuote('$(reboot)')).toBe("'$(reboot)'");
    expect(shellQuote('')).toBe("''");
  });
});
