import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HostError } from '../../src/errors.js';
import { type InventoryHost, loadInventory } from '../../src/inventory/index.js';
import { SshPool, type SshPoolOptions } from '../../src/ssh/ssh-pool.js';
import { type Lab, startLab } from '../lab/index.js';

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
    await new Promise((r) => setTimeout(r, 800));
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
