import { describe, expect, it } from 'vitest';
import type { InventoryHost } from '../../src/inventory/index.js';
import { parseInventory } from '../../src/inventory/load-inventory.js';
import type { SshPool } from '../../src/ssh/ssh-pool.js';
import { externalInterface } from '../../src/tasks/controller/external-interface.js';
import { deploySettings } from '../../src/tasks/deploy/deploy-vars.js';
import { desiredNetworks } from '../../src/tasks/network/desired-networks.js';
import { applyNtpActions } from '../../src/tasks/ntp-setup/apply-ntp-host.js';
import { ntpVarsOf } from '../../src/tasks/ntp-setup/ntp-vars.js';

// Inventory values that reach a remote command line must never be read as options there: a value starting with "-"
// (`chrony_service: -Hroot@elsewhere` would have reached systemctl) is refused by validation, naming the variable.
const HOSTILE = '-Hroot@x';

const host = (vars: Record<string, unknown>): InventoryHost => ({
  name: 'h1',
  address: '127.0.0.1',
  port: 22,
  user: 'root',
  groups: ['all'],
  vars,
});

const problemOf = (run: () => unknown): string => {
  try {
    const result = run();
    if (result && typeof result === 'object' && 'problem' in result) return String(result.problem);
  } catch (err) {
    return (err as Error).message;
  }
  return 'accepted';
};

describe('inventory values that reach a command line cannot start with "-"', () => {
  it.each(['chrony_service', 'chrony_conf_path'])('ntp setup: %s', (name) => {
    expect(problemOf(() => ntpVarsOf(host({ [name]: HOSTILE })))).toContain(name);
  });

  it.each([
    'packstack_answer_file',
    'selinux_config_path',
    'hosts_path',
    'os_release_path',
    'meminfo_path',
    'openstack_release',
    'openstack_ext_iface',
  ])('deploy openstack: %s', (name) => {
    expect(problemOf(() => deploySettings(host({ [name]: HOSTILE })))).toContain(name);
  });

  it('network check and setup: openstack_ext_iface', () => {
    expect(problemOf(() => externalInterface({ openstack_ext_iface: HOSTILE }, 'h1'))).toContain(
      'openstack_ext_iface',
    );
  });

  it.each([
    ['external', 'name'],
    ['external', 'physical_network'],
    ['external', 'subnet'],
    ['internal', 'name'],
    ['internal', 'subnet'],
  ])('network setup: openstack_networks.%s.%s', (side, field) => {
    const vars = { openstack_networks: { [side]: { [field]: HOSTILE } } };
    expect(problemOf(() => desiredNetworks(vars, 'h1'))).toContain(`openstack_networks.${side}.${field}`);
  });

  it('network setup: openstack_networks.router', () => {
    const vars = { openstack_networks: { router: HOSTILE } };
    expect(problemOf(() => desiredNetworks(vars, 'h1'))).toContain('openstack_networks.router');
  });

  it.each(['ansible_host', 'ansible_user'])('every command: %s', (name) => {
    const yaml = `all:\n  hosts:\n    h1:\n      ${name}: "${HOSTILE}"\n`;
    expect(problemOf(() => parseInventory(yaml, 'inventory.yml', { user: 'root' }))).toContain(name);
  });
});

describe('unit names reach systemctl only after "--"', () => {
  it('enable and restart end the options before the unit', async () => {
    const commands: string[] = [];
    const ssh: Pick<SshPool, 'exec'> = {
      exec: async (_h, command) => {
        commands.push(command);
        return { stdout: '', stderr: '', code: 0 };
      },
    };
    const actions = [
      { kind: 'enable', service: 'chronyd' },
      { kind: 'restart', service: 'chronyd', because: 'chrony.conf changes' },
    ] as const;
    const { done } = await applyNtpActions(ssh, host({}), actions);
    expect(done).toHaveLength(2);
    expect(commands).toEqual(["systemctl enable -- 'chronyd'", "systemctl restart -- 'chronyd'"]);
  });
});
