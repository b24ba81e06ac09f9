import { describe, expect, it } from 'vitest';
import type { InventoryHost } from '../../../src/inventory/index.js';
import type { ExecResult } from '../../../src/ssh/ssh-pool.js';
import { COPY_KEYSTONERC, keystonercCheck } from '../../../src/tasks/deploy/verify-stage.js';

const host = (user: string, vars: Record<string, unknown> = {}): InventoryHost => ({
  name: 'controller',
  address: '10.0.0.100',
  port: 22,
  user,
  groups: [],
  vars,
});

/** An ssh whose `test -f` succeeds for the paths given and whose copy works unless told; records every command. */
function fakeSsh(present: string[], copyFails = false) {
  const commands: string[] = [];
  return {
    commands,
    exec: async (_h: InventoryHost, command: string): Promise<ExecResult> => {
      commands.push(command);
      if (command === COPY_KEYSTONERC)
        return copyFails
          ? {
              stdout: '',
              stderr: 'bash: /home/labops/.keystonerc_admin.labops.tmp: Read-only file system\n',
              code: 1,
            }
          : { stdout: '', stderr: '', code: 0 };
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

  it('a sudo login: finds it in /root (where packstack under sudo wrote it) and copies it for the login user', async () => {
    const ssh = fakeSsh(['/root/keystonerc_admin']);
    expect(await keystonercCheck(ssh, host('labops', { ansible_become: true }))).toEqual({
      level: 'ok',
      text: "keystonerc_admin copied from /root to labops's home (mode 600), where labops reads it",
    });
    expect(ssh.commands).toEqual([
      'test -f ~/keystonerc_admin',
      "sudo -n sh -c 'test -f /root/keystonerc_admin'",
      COPY_KEYSTONERC,
    ]);
  });

  it('a copy that fails says so, with the command to do it by hand', async () => {
    const ssh = fakeSsh(['/root/keystonerc_admin'], true);
    expect(await keystonercCheck(ssh, host('labops', { ansible_become: true }))).toEqual({
      level: 'block',
      text: "keystonerc_admin is in /root, and copying it to labops's home failed (bash: /home/labops/.keystonerc_admin.labops.tmp: Read-only file system)",
      hint: 'sudo install -m 600 -o labops /root/keystonerc_admin ~labops/',
    });
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
