import { describe, expect, it } from 'vitest';
import { entriesFor, parseKnownHosts } from '../../../src/ssh/known-hosts.js';
import { hashHostName } from '../../lab/known-hosts.js';

const key = (n: number) => Buffer.from(`key-${n}`).toString('base64');

describe('known_hosts lookups in a large file', () => {
  // 5000 plain lines, then wildcard, negated, hashed and multi-name lines that speak of some of the same hosts
  const lines = Array.from(
    { length: 5000 },
    (_, i) => `[127.64.${i >> 8}.${i & 255}]:2222 ssh-ed25519 ${key(i)}`,
  );
  lines.push(`[127.64.0.*]:2222 ssh-ed25519 ${key(90001)}`);
  lines.push(`*,!controller ssh-rsa ${key(90002)}`);
  lines.push(`${hashHostName('[127.64.3.7]:2222')} ssh-ed25519 ${key(90003)}`);
  lines.push(`Web-1,web-1.lab ssh-ed25519 ${key(90004)}`);
  lines.push(`@revoked [127.64.0.5]:2222 ssh-ed25519 ${key(90005)}`);
  const entries = parseKnownHosts(lines.join('\n'));
  const keys = (name: string) => entriesFor(entries, name).map((e) => e.key.toString());

  it('finds every line of a host, plain, wildcard, hashed and revoked alike, in file order', () => {
    expect(keys('[127.64.0.5]:2222')).toEqual(['key-5', 'key-90001', 'key-90002', 'key-90005']);
    expect(keys('[127.64.3.7]:2222')).toEqual([`key-${3 * 256 + 7}`, 'key-90002', 'key-90003']);
    expect(keys('[127.64.19.135]:2222')).toEqual(['key-4999', 'key-90002']);
  });

  it('matches names without regard to case, and honours a negation', () => {
    expect(keys('web-1')).toEqual(['key-90002', 'key-90004']);
    expect(keys('WEB-1.LAB')).toEqual(['key-90002', 'key-90004']);
    expect(keys('controller')).toEqual([]);
  });

  it('gives nothing for a host the file does not know', () => {
    expect(keys('[127.65.0.1]:22')).toEqual(['key-90002']);
    expect(entriesFor(parseKnownHosts(''), 'x')).toEqual([]);
  });
});
