import { readFile } from 'node:fs/promises';
import { type Socket, connect as tcpConnect } from 'node:net';
import { NodeSSH } from 'node-ssh';
import { HostError } from '../errors.js';
import type { InventoryHost } from '../inventory/index.js';
import { authKey } from './auth-key.js';
import {
  entriesFor,
  type HostKeyVerdict,
  hostKeyAlgorithms,
  type KnownHostEntry,
  knownHostsName,
  verifyHostKey,
} from './known-hosts.js';

export interface ConnectOptions {
  knownHosts: KnownHostEntry[];
  knownHostsPath: string;
  connectTimeoutMs: number;
  /** How the private key is read; default a fresh read each time (the pool keeps it for a moment). */
  readKeyFile?: (path: string) => Promise<Buffer>;
}

/**
 * Key exchanges offered, cheapest for ssh2 first. Its curve25519 goes through Node's KeyObjects (the public keys
 * exported and imported as DER by OpenSSL 3's encoders: about 0.6 ms of CPU a connection here), its
 * ecdh-sha2-nistp256 through createECDH (about 0.2 ms). Both give 128-bit security, and every RHEL 8/9 crypto
 * policy, FIPS included, offers nistp256; a host without it gets curve25519 as before. Only exchanges OpenSSH
 * implements, none weaker than its defaults (no SHA-1, no group under 2048 bits).
 */
export const KEX_ALGORITHMS = [
  'ecdh-sha2-nistp256',
  'curve25519-sha256',
  'curve25519-sha256@libssh.org',
  'ecdh-sha2-nistp384',
  'ecdh-sha2-nistp521',
  'diffie-hellman-group-exchange-sha256',
  'diffie-hellman-group16-sha512',
  'diffie-hellman-group18-sha512',
  'diffie-hellman-group14-sha256',
];

const where = (h: InventoryHost) => `${h.address}:${h.port}`;

function openSocket(host: InventoryHost, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = tcpConnect({ host: host.address, port: host.port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(
        new HostError(
          host.name,
          'timeout',
          `no answer from ${where(host)} within ${timeoutMs / 1000} s`,
          'Check that the host is powered on and reachable from the labops worker.',
        ),
      );
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.setNoDelay(true); // ssh2 leaves Nagle on: ~40 ms per exec on a warm connection without this
      resolve(sock);
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const refused = err.code === 'ECONNREFUSED';
      reject(
        new HostError(
          host.name,
          'unreachable',
          `${refused ? 'connection refused' : (err.code ?? err.message)} (${where(host)})`,
          refused
            ? `Check that sshd runs on ${host.name} and listens on port ${host.port}.`
            : `Check the address of ${host.name} in the inventory and the network path to it.`,
        ),
      );
    });
  });
}

async function readKey(
  host: InventoryHost,
  read: (path: string) => Promise<Buffer> = readFile,
): Promise<Buffer> {
  if (!host.keyPath) {
    throw new HostError(
      host.name,
      'auth',
      'no SSH key configured',
      'Set ansible_ssh_private_key_file in the inventory or LAB_SSH_KEY.',
    );
  }
  try {
    return await read(host.keyPath);
  } catch (err) {
    throw new HostError(
      host.name,
      'auth',
      `cannot read the SSH key ${host.keyPath} (${(err as NodeJS.ErrnoException).code})`,
      'Fix ansible_ssh_private_key_file or LAB_SSH_KEY.',
    );
  }
}

/** Opens one verified SSH connection. Never connects to a host whose key is missing from or differs from known_hosts. */
export async function connectHost(host: InventoryHost, opts: ConnectOptions): Promise<NodeSSH> {
  const name = knownHostsName(host.address, host.port);
  const entries = entriesFor(opts.knownHosts, name);
  const algorithms = hostKeyAlgorithms(entries);
  if (algorithms.length === 0) {
    throw new HostError(
      host.name,
      'hostkey-unknown',
      `${opts.knownHostsPath} has no key for ${name}; not connecting`,
      `Verify the host's fingerprint, then add it (ssh-keyscan -p ${host.port} ${host.address} >> ${opts.knownHostsPath}).`,
    );
  }
  const key = authKey(await readKey(host, opts.readKeyFile));
  if (key instanceof Error) {
    throw new HostError(
      host.name,
      'auth',
      `cannot use the SSH key ${host.keyPath}: ${key.message}`,
      'Point ansible_ssh_private_key_file or LAB_SSH_KEY at an unencrypted OpenSSH or PEM private key.',
    );
  }
  const started = Date.now();
  const sock = await openSocket(host, opts.connectTimeoutMs);
  let verdict: HostKeyVerdict | undefined;
  const ssh = new NodeSSH();
  try {
    await ssh.connect({
      sock,
      host: host.address,
      port: host.port,
      username: host.user,
      // the key given parsed, through ssh2's own option (node-ssh takes key text only)
      authHandler: [{ type: 'publickey', username: host.user, key }] as never,
      readyTimeout: Math.max(1, opts.connectTimeoutMs - (Date.now() - started)),
      algorithms: { kex: KEX_ALGORITHMS, serverHostKey: algorithms as never },
      hostVerifier: (key: Buffer) => {
        verdict = verifyHostKey(entries, key);
        return verdict === 'match';
      },
      keepaliveInterval: 15_000,
    });
  } catch (err) {
    sock.destroy();
    throw mapConnectError(host, err as Error & { level?: string }, verdict, opts);
  }
  // once connected, node-ssh no longer listens for errors: a keepalive timeout or a reset later would throw in
  // the process. The 'close' that follows drops the connection (see SshPool), and commands on it end without
  // an exit status, which the callers report as a lost connection.
  ssh.connection?.on('error', () => undefined);
  return ssh;
}

function mapConnectError(
  host: InventoryHost,
  err: Error & { level?: string },
  verdict: HostKeyVerdict | undefined,
  opts: ConnectOptions,
): HostError {
  if (verdict === 'mismatch') {
    return new HostError(
      host.name,
      'hostkey-mismatch',
      `${where(host)} presented a key that differs from ${opts.knownHostsPath}; not connecting`,
      'Someone may be intercepting, or the host was reinstalled. Check its fingerprint on the console, then replace the entry (ssh-keygen -R).',
    );
  }
  if (err.level === 'client-authentication') {
    return new HostError(
      host.name,
      'auth',
      `${host.user}@${where(host)} refused the key ${host.keyPath}`,
      `Authorise the key for ${host.user} on ${host.name} (~/.ssh/authorized_keys), or fix ansible_user / ansible_ssh_private_key_file.`,
    );
  }
  if (err.level === 'client-timeout' || /timed out|No response/i.test(err.message)) {
    return new HostError(
      host.name,
      'timeout',
      `${where(host)} accepted TCP but SSH did not answer within ${opts.connectTimeoutMs / 1000} s`,
      `Check sshd on ${host.name} (it may be hung or overloaded).`,
    );
  }
  return new HostError(
    host.name,
    'unreachable',
    `SSH connection to ${where(host)} failed: ${err.message}`,
    `Check sshd on ${host.name} and try again.`,
  );
}
