import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostError } from '../../src/errors.js';
import { loadInventory } from '../../src/inventory/index.js';
import { SshPool } from '../../src/ssh/ssh-pool.js';
import { type Lab, startLab } from '../lab/index.js';
import { processesMatching as running, until as waitFor } from '../support/local-processes.js';

// a lab of its own: these commands are not the fixed templates the shared lab's command logs are checked for
let lab: Lab;
let pool: SshPool;
beforeAll(async () => {
  lab = await startLab({ dir: join(tmpdir(), 'labops-ssh-cancel-lab'), net: '127.0.46' });
  pool = new SshPool({
    knownHostsPath: lab.knownHostsPath,
    connectTimeoutMs: 8000,
    commandTimeoutMs: 60_000,
    idleMs: 60_000,
    concurrency: 4,
  });
});
afterAll(async () => {
  await pool?.close();
  await lab?.stop();
});

const host = async (name: string) => {
  const h = (await loadInventory(lab.inventoryPath, { user: 'root' })).hosts.get(name);
  if (!h) throw new Error(`no ${name}`);
  return h;
};

describe('cancelling remote work over SSH', () => {
  it('an abort kills the remote shell and its children, not just the channel', async () => {
    const marker = `sleep 86${Math.floor(Math.random() * 900 + 100)}`;
    const ac = new AbortController();
    const exec = pool.exec(await host('client-sync'), `${marker}; echo finished`, {
      signal: ac.signal,
    });
    expect(await waitFor(() => running(marker).length > 0, 5000)).toBe(true);
    ac.abort('cancelled by test');
    await expect(exec).rejects.toMatchObject({ name: 'HostError', message: 'cancelled' });
    expect(await waitFor(() => running(marker).length === 0, 3000)).toBe(true);
  });

  it('an abort that comes before the remote pid is known still kills the command', async () => {
    const h = await host('client-sync');
    await pool.exec(h, 'true'); // the connection is open: the command starts within milliseconds
    const marker = `sleep 87${Math.floor(Math.random() * 900 + 100)}`;
    const ac = new AbortController();
    const exec = pool.exec(h, marker, { signal: ac.signal });
    setTimeout(() => ac.abort(), 5);
    await expect(exec).rejects.toMatchObject({ message: 'cancelled' });
    await new Promise((r) => setTimeout(r, 500));
    expect(await waitFor(() => running(marker).length === 0, 3000)).toBe(true);
  });

  it('the pid marker leaves output and exit codes as they were', async () => {
    const r = await pool.exec(await host('client-sync'), 'echo out; echo err >&2; exit 3');
    expect(r).toEqual({ stdout: 'out\n', stderr: 'err\n', code: 3 });
  });

  it('an abort during the SSH handshake ends the wait at once; an aborted signal starts nothing', async () => {
    const ac = new AbortController();
    const started = Date.now();
    const exec = pool.exec(await host('client-silent'), 'true', { signal: ac.signal });
    setTimeout(() => ac.abort(), 300);
    // the abort ended the wait, not the 8 s connect timeout (which rejects as unreachable, timed out)
    await expect(exec).rejects.toBeInstanceOf(HostError);
    await expect(exec).rejects.toMatchObject({ message: 'cancelled' });
    console.log(
      `[reliability] abort during the SSH handshake: the wait ended ${Date.now() - started} ms after it began`,
    );

    await expect(
      pool.exec(await host('client-sync'), 'echo labops-never-run', { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({
      message: 'cancelled',
    });
    expect(readFileSync(lab.commandLogPath('client-sync'), 'utf8')).not.toContain('labops-never-run');
  });
});
