import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  entriesFor,
  hostKeyAlgorithms,
  knownHostsName,
  parseKnownHosts,
  verifyHostKey,
} from '../../src/ssh/known-hosts.js';

const keyA = randomBytes(51);
const keyB = randomBytes(51);
const b64 = (b: Buffer) => b.toString('base64');

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${b64(salt)}|${b64(createHmac('sha1', salt).update(name).digest())}`;
}

describe('known_hosts', () => {
  const text = [
    '# comment',
    `10.0.0.100,controller ssh-ed25519 ${b64(keyA)}`,
    `[127.0.2.4]:2222 ssh-ed25519 ${b64(keyA)}`,
    `${hashed('[127.0.2.5]:2222')} ssh-ed25519 ${b64(keyB)}`,
    `${hashed('10.0.0.7')} ssh-rsa ${b64(keyA)}`,
    `*.lab,!bad.lab ecdsa-sha2-nistp256 ${b64(keyB)}`,
    `@revoked 10.0.0.9 ssh-ed25519 ${b64(keyA)}`,
    `@cert-authority *.lab ssh-ed25519 ${b64(keyA)}`,
    'garbage',
  ].join('\n');
  const entries = parseKnownHosts(text);

  it('uses [host]:port names for ports other than 22', () => {
    expect(knownHostsName('10.0.0.1', 22)).toBe('10.0.0.1');
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });

  it('matches plain, comma-separated, bracketed and hashed names', () => {
    expect(verifyHostKey(entriesFor(entries, 'controller'), keyA)).toBe('match');
    expect(verifyHostKey(entriesFor(entries, '[127.0.2.4]:2222'), keyA)).toBe('match');
    expect(verifyHostKey(entriesFor(entries, '[127.0.2.5]:2222'), keyB)).toBe('match');
    expect(verifyHostKey(entriesFor(entries, '10.0.0.7'), keyA)).toBe('match');
  });

  it('reports a different key as a mismatch and a missing host as unknown', () => {
    expect(verifyHostKey(entriesFor(entries, '[127.0.2.5]:2222'), keyA)).toBe('mismatch');
    expect(verifyHostKey(entriesFor(entries, '127.0.2.4'), keyA)).toBe('unknown'); // port 22 is another entry
    expect(verifyHostKey(entriesFor(entries, '[127.0.2.6]:2222'), keyA)).toBe('unknown');
  });

  it('honours wildcards and negation, revoked keys, and skips cert authorities', () => {
    expect(entriesFor(entries, 'db.lab')).toHaveLength(1);
    expect(entriesFor(entries, 'bad.lab')).toHaveLength(0);
    expect(verifyHostKey(entriesFor(entries, '10.0.0.9'), keyA)).toBe('mismatch');
    expect(entries).toHaveLength(6);
  });

  it('offers only the key algorithms known for the host', () => {
    expect(hostKeyAlgorithms(entriesFor(entries, '10.0.0.7'))).toEqual([
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
    ]);
    expect(hostKeyAlgorithms(entriesFor(entries, 'controller'))).toEqual(['ssh-ed25519']);
    expect(hostKeyAlgorithms(entriesFor(entries, '10.0.0.9'))).toEqual([]);
  });
});
