import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { InventoryHost } from '../../../src/inventory/index.js';
import { PID_PREFIX } from '../../../src/ssh/pid-line.js';
import type { AttachChannel, ChannelOpener, RemoteChannel } from '../../../src/ssh/remote-channel.js';
import { RemoteLoop } from '../../../src/ssh/remote-loop.js';
import { repeatingCommand } from '../../../src/ssh/repeating-command.js';

const host = { name: 'h1', address: '127.0.0.1', port: 22, user: 'root' } as InventoryHost;
const SPEC = repeatingCommand('echo begin; t; echo "END exit=$?"', 'END exit=');
const FRAME = 'begin\nreport\nEND exit=0\n';

/** A scripted host: the loop's channel (what labops wrote, whether it sent EOF), and the kill commands it got. */
function scripted(o: { refuse?: boolean } = {}) {
  const out = new EventEmitter();
  const err = new EventEmitter();
  const seen = { commands: [] as string[], written: '', ended: 0, released: 0 };
  const channel = {
    on: (event: string, fn: (...args: unknown[]) => void) => out.on(event, fn),
    stderr: { on: (event: string, fn: (chunk: Buffer) => void) => err.on(event, fn) },
    write: (data: string) => {
      seen.written += data;
    },
    end: () => seen.ended++,
    close: () => out.emit('close'),
  } as RemoteChannel;
  const opener: ChannelOpener = {
    async open(command: string, attach: AttachChannel, opts) {
      seen.commands.push(command);
      if (opts?.kind === 'kill') return; // the kill's own channel is not looked at here
      if (o.refuse) throw new Error('Channel open failure: open failed');
      attach(channel, () => seen.released++);
    },
  };
  const say = (text: string) => out.emit('data', Buffer.from(text));
  return { opener, seen, say, pid: () => err.emit('data', Buffer.from('@@labops-pgid 42\n')), out };
}

const check = (loop: RemoteLoop, o: { timeoutMs?: number; signal?: AbortSignal } = {}) =>
  loop.check({ timeoutMs: o.timeoutMs ?? 10_000, signal: o.signal, maxOutputBytes: 1024 });
const tick = () => new Promise((r) => setImmediate(r));

describe('RemoteLoop', () => {
  it('runs the fixed loop once, then answers each check with one newline and the frame up to the end mark', async () => {
    const h = scripted();
    const loop = new RemoteLoop(h.opener, host, SPEC);
    for (let i = 0; i < 3; i++) {
      const answer = check(loop);
      await tick();
      if (i === 0) {
        // the first newline waits for the shell's pid line (sent on it, it acknowledges that packet at once)
        expect(h.seen.written).toBe('');
        h.pid();
      }
      expect(h.seen.written).toBe('\n'.repeat(i + 1));
      h.say('begin\nrep');
      h.say('ort\nEND exit=0\n');
      expect(await answer).toEqual({ result: { stdout: FRAME, stderr: '', code: 0 } });
      expect(loop.idle).toBe(true);
    }
    expect(h.seen.commands).toEqual([`${PID_PREFIX}${SPEC.loop}`]);
    loop.end();
    expect(h.seen.ended).toBe(1); // EOF: the idle loop's read fails and it exits
  });

  it('ended in the middle of a check: the check is answered, then the loop gets its EOF', async () => {
    const h = scripted();
    const loop = new RemoteLoop(h.opener, host, SPEC);
    h.pid();
    const answer = check(loop);
    loop.end();
    expect(h.seen.ended).toBe(0);
    h.say(FRAME);
    expect(await answer).toMatchObject({ result: { stdout: FRAME } });
    expect(h.seen.ended).toBe(1);
    expect(loop.idle).toBe(false);
  });

  it('a check that times out is rejected and the loop killed by its group; it takes no more checks', async () => {
    const h = scripted();
    const loop = new RemoteLoop(h.opener, host, SPEC);
    const answer = check(loop, { timeoutMs: 20 });
    h.say('begin\n');
    h.pid(); // the pid may come after the stop: the kill goes then
    await expect(answer).rejects.toMatchObject({ code: 'timeout', host: 'h1' });
    await tick();
    expect(h.seen.commands.slice(1)).toEqual(['kill -KILL -- -42 2>/dev/null']);
    expect(loop.ended).toBe(true);
    h.out.emit('close');
    expect(h.seen.released).toBe(1);
  });

  it('a cancel rejects at once with cancelled and kills the group', async () => {
    const h = scripted();
    const loop = new RemoteLoop(h.opener, host, SPEC);
    h.pid();
    const job = new AbortController();
    const answer = check(loop, { signal: job.signal });
    job.abort();
    await expect(answer).rejects.toMatchObject({ message: 'cancelled' });
    expect(h.seen.commands.at(-1)).toBe('kill -KILL -- -42 2>/dev/null');
  });

  it('output nobody asked for (after the end mark, between checks) means out of step: the loop is killed', async () => {
    const h = scripted();
    const loop = new RemoteLoop(h.opener, host, SPEC);
    h.pid();
    const answer = check(loop);
    h.say(`${FRAME}extra`);
    // the frame itself is answered as exec would have read it (exec's parser also stops at the first end mark)
    expect(await answer).toMatchObject({ result: { stdout: FRAME } });
    expect(loop.ended).toBe(true);
    expect(h.seen.commands.at(-1)).toBe('kill -KILL -- -42 2>/dev/null');

    const h2 = scripted();
    const loop2 = new RemoteLoop(h2.opener, host, SPEC);
    h2.pid();
    h2.say('unasked\n');
    expect(loop2.idle).toBe(false);
    expect(h2.seen.commands.at(-1)).toBe('kill -KILL -- -42 2>/dev/null');
  });

  it('a shell that never says its pid: the check times out, and the loop says it stayed silent', async () => {
    const h = scripted();
    const loop = new RemoteLoop(h.opener, host, SPEC);
    await expect(check(loop, { timeoutMs: 20 })).rejects.toMatchObject({ code: 'timeout' });
    expect(h.seen.written).toBe('');
    expect(loop.silent).toBe(true);
  });

  it('a loop that closes before its answer, or is refused, says gone: the caller runs the check by exec', async () => {
    const h = scripted();
    const loop = new RemoteLoop(h.opener, host, SPEC);
    const first = check(loop);
    h.say('this host runs only what its ForceCommand allows\n');
    h.out.emit('close');
    expect(await first).toEqual({ gone: true, answered: 0 });

    const refused = new RemoteLoop(scripted({ refuse: true }).opener, host, SPEC);
    expect(await check(refused)).toEqual({ gone: true, answered: 0 });

    const h3 = scripted();
    const later = new RemoteLoop(h3.opener, host, SPEC);
    const ok = check(later);
    h3.say(FRAME);
    await ok;
    const second = check(later);
    h3.out.emit('close');
    expect(await second).toEqual({ gone: true, answered: 1 });
  });
});
