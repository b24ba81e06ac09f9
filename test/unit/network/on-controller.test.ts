import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { HostError } from '../../../src/errors.js';
import { parseInventory } from '../../../src/inventory/index.js';
import { onController, planOnController } from '../../../src/tasks/controller/on-controller.js';
import { recordingChat } from '../recording-chat.js';

const WITH_CONTROLLER = `all:
  hosts: { web1: {} }
  children:
    openstack_controllers: { hosts: { ctl1: {} } }
`;

function context(target?: string, inventory = WITH_CONTROLLER, messageTs?: string) {
  const { chat, seen } = recordingChat();
  const ctx = {
    payload: { target, reply: { channel: 'C1', messageTs } },
    inventory: parseInventory(inventory, 'test', { user: 'root' }),
    chat,
    log: pino({ level: 'silent' }),
  };
  return { ctx, seen };
}

const unreachable = (host: string) =>
  new HostError(host, 'unreachable', 'unreachable: connection refused', 'Check that sshd runs on it');

describe('onController', () => {
  it('posts the pending line, then works on the controller with the message to update', async () => {
    const { ctx, seen } = context();
    const result = await onController(ctx, '⏳ Reading…', 'Networks', async (host, ts) => {
      await ctx.chat.update('C1', ts, { text: `read ${host.name}` });
      return { controller: host.name };
    });
    expect(result).toEqual({ controller: 'ctl1' });
    expect(seen).toEqual(['post ⏳ Reading…', 'update 1.000 read ctl1']);
  });

  it('a failure on the controller replaces the message with what failed, where, and what to do', async () => {
    const { ctx, seen } = context(undefined, WITH_CONTROLLER, '0.000');
    const result = await onController(ctx, '⏳ Reading…', 'Networks', async (host) => {
      throw unreachable(host.name);
    });
    expect(result).toEqual({ controller: 'ctl1', error: 'unreachable: connection refused' });
    expect(seen).toEqual([
      'update 0.000 Networks on ctl1: failed\n❌ unreachable: connection refused. Check that sshd runs on it.',
    ]);
  });

  it('no controller to be found: says so before any work, about "the controller"', async () => {
    let worked = false;
    const { ctx, seen } = context(undefined, 'all:\n  hosts: { a: {}, b: {} }\n');
    const result = await onController(ctx, '⏳ Checking…', 'Network check', async () => {
      worked = true;
    });
    expect(worked).toBe(false);
    expect(result).toMatchObject({ controller: undefined });
    expect(seen[1]).toMatch(
      /^update 1\.000 Network check on the controller: failed\n❌ The inventory has no `openstack_controllers` group/,
    );
    const many = context('all');
    expect(await onController(many.ctx, '…', 'Network check', async () => 'done')).toMatchObject({
      error: 'Network commands run on one controller, and all hosts has 2 hosts: name one (ctl1, web1).',
    });
  });

  it("an error that is a bug is thrown on, not shown as the user's problem", async () => {
    const { ctx } = context();
    await expect(
      onController(ctx, '…', 'Networks', async () => {
        throw new TypeError('x is undefined');
      }),
    ).rejects.toThrow(TypeError);
  });
});

describe('planOnController', () => {
  it('the plan of the controller, or an empty plan that says why', async () => {
    const plan = { message: { text: 'plan' }, hosts: ['ctl1'] };
    expect(await planOnController(context().ctx, 'Network setup', async () => plan)).toBe(plan);

    const failed = await planOnController(context().ctx, 'Network setup', async (host) => {
      throw unreachable(host.name);
    });
    expect(failed).toMatchObject({ hosts: ['ctl1'], empty: true });
    expect(failed.message.text).toBe(
      'Network setup on ctl1: failed\n❌ unreachable: connection refused. Check that sshd runs on it.',
    );
    const nowhere = await planOnController(context('nosuch').ctx, 'Network setup', async () => plan);
    expect(nowhere).toMatchObject({ hosts: [], empty: true });
    expect(nowhere.message.text).toMatch(/^Network setup on the controller: failed\n❌ /);
  });
});
