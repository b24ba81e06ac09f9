import { getEventListeners } from 'node:events';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HostError } from '../../src/errors.js';
import { type InventoryHost, loadInventory } from '../../src/inventory/index.js';
import { SshPool, type SshPoolOptions } from '../../src/ssh/ssh-pool.js';
import { type Lab, startLab } from '../lab/index.js';
import { tcpAccepts } from '../lab/ports.js';
import { processesMatching as running, until } from '../support/local-processes.js';

// a lab of its own: these tests run arbitrary commands, which the shared lab's command logs must not see
let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ dir: join(tmpdir(), 'labops-ssh-pool-lab'), net: '127.0.8' });
});
afterAll(async () => lab?.stop());

const accepted = (host: string) =>
  readFileSync(join(lab.dir, 'hosts', host, 'sshd.log'), 'utf8').split('Accepted publickey').length - 1;

async function labHost(name: string): Promise<InventoryHost> {
  const inv = await loadInventory(lab.inventoryPath, { user: 'root' });
  const host = inv.hosts.get(name);
  if (!host) throw new Error(`no ${name} in the lab`);
  return host;
}

describe('SshPool on the simulated lab', () => {
  let pool: SshPool | undefined;
  const make = (o: Partial<SshPoolOptions> = {}) => {
    pool = new SshPool({
      knownHostsPath: lab.knownHostsPath,
      connectTimeoutMs: 2000,
      commandTimeoutMs: 5000,
      idleMs: 60_000,
      concurrency: 10,
      ...o,
    });
    return pool;
  };
  afterEach(async () => pool?.close());

  it('keeps one connection per host open across commands, and closes it when idle', async () => {
    const p = make({ idleMs: 300 });
    const host = await labHost('ntp1');
    const before = accepted('ntp1');
    const results = await Promise.all([1, 2, 3].map((i) => p.exec(host, `echo run-${i}`)));
    await p.exec(host, 'echo again');
    expect(results.map((r) => r.stdout.trim())).toEqual(['run-1', 'run-2', 'run-3']);
    expect(accepted('ntp1') - before).toBe(1);
    expect(p.size).toBe(1);
    // closed once idle for 300 ms: wait for it with a deadline, not a fixed time
    for (const end = Date.now() + 10_000; p.size > 0 && Date.now() < end; )
      await new Promise((r) => setTimeout(r, 50));
    expect(p.size).toBe(0);
  });

  it('reports exit codes and stderr without throwing', async () => {
    const result = await make().exec(await labHost('ntp2'), 'echo oops >&2; exit 3');
    expect(result).toMatchObject({ code: 3, stderr: 'oops\n' });
  });

  it('stops a command that runs past its timeout', async () => {
    const err = await make()
      .exec(await labHost('ntp2'), 'sleep 20', { timeoutMs: 300 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostError);
    expect(err).toMatchObject({
      code: 'timeout',
      message: expect.stringContaining('did not finish within 0.3 s'),
    });
  });

  it('never connects to a host that known_hosts does not list', async () => {
    const empty = join(tmpdir(), `labops-empty-known-hosts-${process.pid}`);
    writeFileSync(empty, '# nothing here\n');
    const before = readFileSync(join(lab.dir, 'hosts', 'ntp1', 'sshd.log'), 'utf8').length;
    const err = await make({ knownHostsPath: empty })
      .exec(await labHost('ntp1'), 'true')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'hostkey-unknown',
      message: expect.stringContaining('has no key for [127.0.8.1]:2222'),
    });
    // not even a TCP connection: sshd logged nothing new
    expect(readFileSync(join(lab.dir, 'hosts', 'ntp1', 'sshd.log'), 'utf8').length).toBe(before);
  });

  it('reconnects when a pooled connection died', async () => {
    const p = make();
    const host = await labHost('ntp2');
    await p.exec(host, 'true');
    // kill this connection's sshd session from the host side; the listener stays
    await p.exec(host, 'kill -9 $PPID').catch(() => undefined);
    const again = await p.exec(host, 'echo back');
    expect(again.stdout).toBe('back\n');
  });
});

const uniqueSleep = () => `sleep 88${Math.floor(Math.random() * 9000 + 1000)}`;

describe('SshPool against a host that hangs, floods or runs out of sessions', () => {
  let pool: SshPool | undefined;
  const make = (o: Partial<SshPoolOptions> = {}) => {
    pool = new SshPool({
      knownHostsPath: lab.knownHostsPath,
      connectTimeoutMs: 2000,
      commandTimeoutMs: 5000,
      idleMs: 60_000,
      concurrency: 50,
      ...o,
    });
    return pool;
  };
  afterEach(async () => pool?.close());

  it('a command that times out is killed on the host, its children with it', async () => {
    const marker = uniqueSleep();
    const exec = make().exec(await labHost('ntp2'), `${marker}; echo never`, { timeoutMs: 500 });
    await expect(exec).rejects.toMatchObject({ code: 'timeout' });
    // sshd refuses signal requests in the lab's ForceCommand sessions: only a kill of the group ends it
    expect(await until(() => running(marker).length === 0, 5000)).toBe(true);
  });

  it('concurrent commands of one job add one abort listener to its signal, and leave none', async () => {
    const p = make();
    const host = await labHost('ntp2');
    const job = new AbortController();
    const marker = uniqueSleep();
    const execs = Array.from({ length: 12 }, () =>
      p.exec(host, marker, { timeoutMs: 3000, signal: job.signal }),
    );
    // twelve commands of one job at once (eight running, the channel limit): one listener on its signal, not twelve
    expect(await until(() => running(marker).length >= 8, 3000)).toBe(true);
    expect(getEventListeners(job.signal, 'abort').length).toBeLessThanOrEqual(1);
    for (const exec of execs) await expect(exec).rejects.toMatchObject({ code: 'timeout' });
    expect(getEventListeners(job.signal, 'abort')).toHaveLength(0);
    expect(await until(() => running(marker).length === 0, 5000)).toBe(true);
  });

  it('closing the pool stops the commands still running, on the host too', async () => {
    const p = make();
    const marker = uniqueSleep();
    const exec = p.exec(await labHost('ntp2'), marker, { timeoutMs: 60_000 }).catch((e: unknown) => e);
    expect(await until(() => running(marker).length > 0, 5000)).toBe(true);
    await p.close();
    expect(await exec).toMatchObject({ message: 'labops is shutting down: the command was stopped' });
    expect(await until(() => running(marker).length === 0, 5000)).toBe(true);
  });

  it('20 commands at once to one host (sshd allows 10 sessions): all succeed over one connection', async () => {
    const p = make();
    const host = await labHost('ntp-fast');
    const before = accepted('ntp-fast');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => p.exec(host, `sleep 0.3; echo run-${i}`)),
    );
    expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 20 }, (_, i) => `run-${i}\n`));
    expect(accepted('ntp-fast') - before).toBe(1);
  });

  it('an sshd with MaxSessions 2 refuses channels: they are retried on the same connection', async () => {
    // client-drift's sshd, in this file's own lab, rereads its config on SIGHUP (same pid)
    const config = join(lab.dir, 'hosts', 'client-drift', 'sshd_config');
    if (!readFileSync(config, 'utf8').includes('MaxSessions 2')) appendFileSync(config, 'MaxSessions 2\n');
    const sshd = lab.processes().find((proc) => proc.name === 'client-drift/sshd');
    if (!sshd) throw new Error('no sshd for client-drift');
    process.kill(sshd.pid, 'SIGHUP');
    const host = await labHost('client-drift');
    expect(await until(() => tcpAccepts(host.address, host.port), 5000)).toBe(true);
    await new Promise((r) => setTimeout(r, 300)); // the re-executed sshd listens before it has read its keys

    const p = make();
    await p.exec(host, 'true'); // one connection, open
    const before = accepted('client-drift');
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => p.exec(host, `sleep 0.3; echo run-${i}`)),
    );
    expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 6 }, (_, i) => `run-${i}\n`));
    expect(accepted('client-drift') - before).toBe(0);
    expect(p.size).toBe(1);
  });

  it('a host printing 50 MB: 1 MiB of it is kept, the rest counted, the worker stays small', async () => {
    const p = make({ commandTimeoutMs: 60_000 });
    const host = await labHost('ntp1');
    await p.exec(host, 'true');
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    const r = await p
      .exec(host, "head -c 52428800 /dev/zero | tr '\\0' x; echo; echo last line")
      .finally(() => clearInterval(sampler));
    const growthMiB = (peak - before) / 1024 / 1024;
    console.log(
      `[reliability] a host printing 50 MB to one pooled command: RSS +${growthMiB.toFixed(0)} MiB at peak`,
    );
    expect(r.code).toBe(0);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(1024 * 1024 + 1);
    expect(r.stdout.startsWith('xxxx')).toBe(true);
    expect(r.stdout.endsWith('\nlast line\n')).toBe(true);
    expect(r.truncated).toMatchObject({ limitBytes: 1024 * 1024, stderrBytes: 0 });
    expect(r.truncated?.stdoutBytes).toBeGreaterThan(49 * 1024 * 1024);
    expect(growthMiB).toBeLessThan(100); // the whole output held as strings took about 170 MiB
  });

  it('one 1 MB line comes back whole', async () => {
    const r = await make().exec(await labHost('ntp1'), "head -c 1000000 /dev/zero | tr '\\0' y; echo");
    expect(r.stdout).toBe(`${'y'.repeat(1_000_000)}\n`);
    expect(r.truncated).toBeUndefined();
  });
});
