import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { InventoryHost } from '../../../src/inventory/index.js';
import {
  type AttachChannel,
  type ChannelOpener,
  PID_PREFIX,
  type RemoteChannel,
  runRemote,
} from '../../../src/ssh/remote-process.js';

const host = { name: 'h1', address: '127.0.0.1', port: 22, user: 'root' } as InventoryHost;

/** A channel as ssh2 hands it out: stdout 'data', stderr 'data', 'exit', 'close'; what labops wrote and ended. */
function fakeChannel() {
  const out = new EventEmitter();
  const err = new EventEmitter();
  const seen = { written: [] as string[], ended: 0 };
  const channel: RemoteChannel = {
    on: (event: string, fn: (...args: unknown[]) => void) => out.on(event, fn),
    stderr: { on: (event: string, fn: (chunk: Buffer) => void) => err.on(event, fn) },
    write: (data: string) => seen.written.push(data),
    end: () => seen.ended++,
    close: () => undefined,
  } as RemoteChannel;
  return { channel, out, err, seen };
}

/** An opener that hands the command's channel over at once and records the commands. */
function opener(c: ReturnType<typeof fakeChannel>) {
  const commands: string[] = [];
  const o: ChannelOpener = {
    async open(command: string, attach: AttachChannel) {
      commands.push(command);
      attach(c.channel, () => undefined);
    },
  };
  return { o, commands };
}

// "é" is 0xC3 0xA9 and "€" 0xE2 0x82 0xAC: both split across chunks below
const E_ACUTE = Buffer.from('é');
const EURO = Buffer.from('€');

function play(c: ReturnType<typeof fakeChannel>) {
  c.err.emit('data', Buffer.from('@@labops-pgid 4'));
  c.err.emit('data', Buffer.from('2\nwarn '));
  c.err.emit('data', EURO.subarray(0, 1));
  c.err.emit('data', Buffer.concat([EURO.subarray(1), Buffer.from('\n')]));
  c.out.emit('data', Buffer.concat([Buffer.from('caf'), E_ACUTE.subarray(0, 1)]));
  c.out.emit('data', Buffer.concat([E_ACUTE.subarray(1), Buffer.from('\n')]));
  c.out.emit('exit', 0);
  c.out.emit('close');
}

describe('runRemote', () => {
  it('without stream callbacks: the pid line is taken off stderr, characters split across chunks come back whole', async () => {
    const c = fakeChannel();
    const { o, commands } = opener(c);
    const done = runRemote(o, host, { command: 'chronyc tracking', timeoutMs: 10_000, maxOutputBytes: 1024 });
    await Promise.resolve();
    play(c);
    expect(await done).toEqual({ stdout: 'café\n', stderr: 'warn €\n', code: 0 });
    expect(commands).toEqual([`${PID_PREFIX}chronyc tracking`]);
    expect(c.seen).toEqual({ written: [], ended: 1 }); // EOF sent: the command's input is closed
  });

  it('with stream callbacks: they see the same text as the result, decoded as it came, the pid line left out', async () => {
    const c = fakeChannel();
    const { o } = opener(c);
    const streamed = { out: [] as string[], err: [] as string[] };
    const done = runRemote(o, host, {
      command: 'packstack',
      timeoutMs: 10_000,
      maxOutputBytes: 1024,
      stdin: 'secret\n',
      onStdout: (s) => streamed.out.push(s),
      onStderr: (s) => streamed.err.push(s),
    });
    await Promise.resolve();
    play(c);
    const result = await done;
    expect(result).toEqual({ stdout: 'café\n', stderr: 'warn €\n', code: 0 });
    expect(streamed.out.join('')).toBe(result.stdout);
    expect(streamed.err.join('')).toBe(result.stderr);
    expect(streamed.out.every((s) => !s.includes('\uFFFD'))).toBe(true);
    expect(c.seen).toEqual({ written: ['secret\n'], ended: 1 });
  });

  it('a close without an exit status is a lost connection', async () => {
    const c = fakeChannel();
    const { o } = opener(c);
    const done = runRemote(o, host, { command: 'true', timeoutMs: 10_000, maxOutputBytes: 1024 });
    await Promise.resolve();
    c.out.emit('close');
    await expect(done).rejects.toMatchObject({ name: 'HostError', code: 'unreachable' });
  });
});
