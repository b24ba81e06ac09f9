import { describe, expect, it } from 'vitest';
import type { InventoryHost } from '../../../src/inventory/index.js';
import type { ExecResult } from '../../../src/ssh/ssh-pool.js';
import { keystonercCheck } from '../../../src/tasks/deploy/verify-stage.js';

const host = (user: string, vars: Record<string, unknown> = {}): InventoryHost => ({
  name: 'controller',
  address: '10.0.0.100',
  port: 22,
  user,
  groups: [],
  vars,
});

/** An ssh whose `test -f` succeeds for the paths given; records every command. */
function fakeSsh(present: string[]) {
  const commands: string[] = [];
  return {
    commands,
    exec: async (_h: InventoryHost, command: string): Promise<ExecResult> => {
      commands.push(command);
      return { stdout: '', stderr: '', code: present.some((p) => command.includes(`test -f ${p}`)) ? 0 : 1 };
    },
  };
}

describe('the keystonerc_admin check after packstack', () => {
  it('ok when it is in the login home', async () => {
    const ssh = fakeSsh(['~/keystonerc_admin']);
    expect(await keystonercCheck(ssh, host('root'))).toEqual({
      level: 'ok',
      text: 'keystonerc_admin is in the login home',
    });
  });

  it('a sudo login: finds it in /root (where packstack under sudo wrote it) and says how to copy it', async () => {
    const ssh = fakeSsh(['/root/keystonerc_admin']);
    expect(await keystonercCheck(ssh, host('labops', { ansible_become: true }))).toEqual({
      level: 'block',
      text: "keystonerc_admin is in /root, not in labops's home, where labops reads it",
      hint: 'sudo install -m 600 -o labops /root/keystonerc_admin ~labops/',
    });
    expect(ssh.commands[1]).toBe("sudo -n sh -c 'test -f /root/keystonerc_admin'");
  });

  it('missing everywhere: packstack did not finish', async () => {
    const ssh = fakeSsh([]);
    expect(await keystonercCheck(ssh, host('labops', { ansible_become: true }))).toMatchObject({
      level: 'block',
      text: 'no ~/keystonerc_admin',
    });
    // a root login does not look in /root a second time
    const rootSsh = fakeSsh([]);
    await keystonercCheck(rootSsh, host('root'));
    expect(rootSsh.commands).toEqual(['test -f ~/keystonerc_admin']);
  });
});
