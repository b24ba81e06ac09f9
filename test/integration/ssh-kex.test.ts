import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2, { type Server } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InventoryHost } from '../../src/inventory/index.js';
import { connectHost } from '../../src/ssh/connect.js';
import { knownHostsName, parseKnownHosts } from '../../src/ssh/known-hosts.js';
import { newKeyPair } from '../fleet/index.js';
import { TEST_NET } from './global-setup.js';

// An ssh2 server, as the simulated fleet runs, that records the key exchange each connection agreed on.
const ADDRESS = `${TEST_NET}.251`;
let dir: string;
const servers: Server[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'labops-ssh-kex-'));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  rmSync(dir, { recursive: true, force: true });
});

async function startServer(kex?: string[]): Promise<{ port: number; hostPublic: string; agreed: string[] }> {
  const hostKey = newKeyPair();
  const agreed: string[] = [];
  const server = new ssh2.Server(
    { hostKeys: [hostKey.private], ...(kex && { algorithms: { kex } }) },
    (c) => {
      c.on('handshake', (negotiated) => agreed.push(negotiated.kex));
      c.on('authentication', (ctx) => ctx.accept());
      c.on('error', () => undefined);
    },
  );
  servers.push(server);
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, ADDRESS, () => resolve(server.address().port));
  });
  return { port, hostPublic: hostKey.public, agreed };
}

async function connectTo(port: number, hostPublic: string) {
  const knownHostsPath = join(dir, `known_hosts-${port}`);
  writeFileSync(knownHostsPath, `${knownHostsName(ADDRESS, port)} ${hostPublic}\n`);
  const keyPath = join(dir, 'id_ed25519');
  writeFileSync(keyPath, newKeyPair().private, { mode: 0o600 });
  const host: InventoryHost = {
    name: 'kex-host',
    address: ADDRESS,
    port,
    user: 'root',
    keyPath,
    groups: [],
    vars: {},
  };
  const ssh = await connectHost(host, {
    knownHosts: parseKnownHosts(`${knownHostsName(ADDRESS, port)} ${hostPublic}\n`),
    knownHostsPath,
    connectTimeoutMs: 10_000,
  });
  ssh.dispose();
}

describe('the key exchange labops offers', () => {
  it('agrees on ecdh-sha2-nistp256 with a host that offers the usual set', async () => {
    const s = await startServer();
    await connectTo(s.port, s.hostPublic);
    expect(s.agreed).toEqual(['ecdh-sha2-nistp256']);
  });

  it('still connects to a host that offers only curve25519 (no NIST curve), using it', async () => {
    const s = await startServer(['curve25519-sha256']);
    await connectTo(s.port, s.hostPublic);
    expect(s.agreed).toEqual(['curve25519-sha256']);
  });

  it('still connects to a host that offers only a 4096-bit Diffie-Hellman group', async () => {
    const s = await startServer(['diffie-hellman-group16-sha512']);
    await connectTo(s.port, s.hostPublic);
    expect(s.agreed).toEqual(['diffie-hellman-group16-sha512']);
  });
});
