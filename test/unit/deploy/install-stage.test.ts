import { describe, expect, it } from 'vitest';
import { HostError } from '../../../src/errors.js';
import type { InventoryHost } from '../../../src/inventory/index.js';
import type { ExecStream } from '../../../src/ssh/exec-stream.js';
import type { ExecResult } from '../../../src/ssh/ssh-pool.js';
import { runPackstack } from '../../../src/tasks/deploy/install-stage.js';

const sudoHost: InventoryHost = {
  name: 'controller',
  address: '10.0.0.100',
  port: 22,
  user: 'labops',
  groups: [],
  vars: { ansible_become: true },
};

/** An execStream that fails the way the real one does on abort or timeout; an ssh that records commands. */
function setUp(fail: () => HostError) {
  const commands: string[] = [];
  const ssh = {
    exec: async (_h: InventoryHost, command: string): Promise<ExecResult> => {
      commands.push(command);
      return { stdout: '', stderr: '', code: 0 };
    },
  };
  const execStream: ExecStream = async (_h, command, o) => {
    commands.push(command);
    o.onStdout('Welcome to the Packstack setup utility\n');
    throw fail();
  };
  return { commands, deps: { ssh, execStream } };
}

const run = (deps: ReturnType<typeof setUp>['deps'], signal?: AbortSignal) =>
  runPackstack(deps, sudoHost, '/root/openstack.txt', { timeoutMs: 60_000, signal, onProgress: () => {} });

describe('packstack stopped by a cancel or a timeout', () => {
  it('a cancel also kills packstack by name, as root (under sudo it is root’s and may have left the group)', async () => {
    const { commands, deps } = setUp(() => new HostError('controller', 'command-failed', 'cancelled', ''));
    const abort = new AbortController();
    abort.abort('cancelled by <@U1>');
    await expect(run(deps, abort.signal)).rejects.toThrow('cancelled');
    expect(commands).toEqual([
      "sudo -n sh -c 'packstack --answer-file='\\''/root/openstack.txt'\\'' 2>&1'",
      "sudo -n sh -c 'pkill -KILL -f '\\''[p]ackstack --answer-file=/root/openstack\\.txt'\\'''",
    ]);
  });

  it('a timeout kills it too; a lost connection does not (the install may be going well)', async () => {
    const timedOut = setUp(
      () => new HostError('controller', 'timeout', 'command did not finish within 60 s', ''),
    );
    await expect(run(timedOut.deps)).rejects.toThrow('did not finish');
    expect(timedOut.commands[1]).toMatch(/pkill -KILL -f/);

    const lost = setUp(
      () => new HostError('controller', 'unreachable', 'SSH session failed: socket closed', ''),
    );
    await expect(run(lost.deps)).rejects.toThrow('socket closed');
    expect(lost.commands).toHaveLength(1);
  });
});
