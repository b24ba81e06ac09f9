import { describe, expect, it } from 'vitest';
import type { InventoryHost } from '../../../src/inventory/index.js';
import { createChannelOpener, type ExecClient } from '../../../src/ssh/channel-opener.js';
import type { RemoteChannel } from '../../../src/ssh/remote-process.js';

const host = { name: 'h1', address: '127.0.0.1', port: 22, user: 'root' } as InventoryHost;
const channel = {} as RemoteChannel;

/** An ssh2 client whose exec requests wait until the test answers them, as a slow host's would. */
function heldClient() {
  const pending: Array<(err: Error | undefined, channel: RemoteChannel) => void> = [];
  const client: ExecClient = { exec: (_command, cb) => pending.push(cb) };
  return { client, pending };
}

/** 'pending' while `p` has not settled by the time the tasks already queued have run. */
const state = (p: Promise<unknown>) =>
  Promise.race([p.then(() => 'settled'), new Promise((r) => setTimeout(() => r('pending'), 20))]);

describe('createChannelOpener: drained', () => {
  it('waits for a channel whose exec request the host has not answered yet (it may already run the command)', async () => {
    const { client, pending } = heldClient();
    const opener = createChannelOpener(client, host);
    let release: (() => void) | undefined;
    const opened = opener.open('sleep 100', (_c, r) => {
      release = r;
    });
    await new Promise((r) => setImmediate(r));
    expect(pending).toHaveLength(1);

    const drained = opener.drained(60_000);
    expect(await state(drained)).toBe('pending');
    pending[0]?.(undefined, channel); // the host answers: the channel is attached, still open
    await opened;
    expect(await state(drained)).toBe('pending');
    release?.();
    expect(await state(drained)).toBe('settled');
  });

  it('counts a kill channel from its request on too, and lets go of a request that failed', async () => {
    const { client, pending } = heldClient();
    const opener = createChannelOpener(client, host);
    const kill = opener.open('kill -KILL -- -42', () => undefined, { kind: 'kill' });
    await new Promise((r) => setImmediate(r));
    const drained = opener.drained(60_000);
    expect(await state(drained)).toBe('pending');
    pending[0]?.(new Error('No response from server'), channel);
    await expect(kill).rejects.toThrow('No response from server');
    expect(await state(drained)).toBe('settled');
  });

  it('a command refused before it starts frees its slot for the next one', async () => {
    const { client, pending } = heldClient();
    const opener = createChannelOpener(client, host, { maxChannels: 1, openAttempts: 1, retryBaseMs: 1 });
    const first = opener.open('true', () => undefined);
    await new Promise((r) => setImmediate(r));
    pending[0]?.(new Error('connection lost'), channel);
    await expect(first).rejects.toThrow('connection lost');
    const second = opener.open('true', (_c, release) => release());
    await new Promise((r) => setImmediate(r));
    expect(pending).toHaveLength(2);
    pending[1]?.(undefined, channel);
    await second;
    expect(await state(opener.drained(60_000))).toBe('settled');
  });
});
