import { createHmac } from 'node:crypto';

/** One usable line of an OpenSSH known_hosts file. */
export interface KnownHostEntry {
  patterns: string[] | { salt: Buffer; hash: Buffer };
  keyType: string;
  key: Buffer;
  revoked: boolean;
}

export type HostKeyVerdict = 'match' | 'mismatch' | 'unknown';

/** Parses known_hosts text: plain and hashed (|1|salt|hash) names, [host]:port, @revoked; skips @cert-authority. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0]?.startsWith('@')) {
      const marker = fields.shift();
      if (marker !== '@revoked') continue; // certificate authorities are not supported: never trust silently
      revoked = true;
    }
    const [names, keyType, keyB64] = fields;
    if (!names || !keyType || !keyB64) continue;
    const hashed = names.match(/^\|1\|([^|]+)\|(.+)$/);
    entries.push({
      patterns: hashed
        ? { salt: Buffer.from(hashed[1] ?? '', 'base64'), hash: Buffer.from(hashed[2] ?? '', 'base64') }
        : names.split(','),
      keyType,
      key: Buffer.from(keyB64, 'base64'),
      revoked,
    });
  }
  return entries;
}

/** The name OpenSSH looks up: "host" on port 22, "[host]:port" otherwise. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

function globMatch(pattern: string, name: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

export function entryMatches(entry: KnownHostEntry, name: string): boolean {
  if (!Array.isArray(entry.patterns)) {
    const { salt, hash } = entry.patterns;
    return createHmac('sha1', salt).update(name).digest().equals(hash);
  }
  let matched = false;
  for (const p of entry.patterns) {
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) matched = true;
  }
  return matched;
}

/** Entries by the plain names they list, and the rest (wildcards, negations, hashed names) to be tried one by one. */
interface NameIndex {
  byName: Map<string, number[]>;
  scan: number[];
}

const indexes = new WeakMap<KnownHostEntry[], NameIndex>();

function indexOf(entries: KnownHostEntry[]): NameIndex {
  let index = indexes.get(entries);
  if (index) return index;
  index = { byName: new Map(), scan: [] };
  for (const [i, e] of entries.entries()) {
    if (!Array.isArray(e.patterns) || e.patterns.some((p) => /[*?!]/.test(p))) {
      index.scan.push(i);
      continue;
    }
    for (const p of e.patterns) {
      const key = p.toLowerCase();
      const list = index.byName.get(key);
      if (list) list.push(i);
      else index.byName.set(key, [i]);
    }
  }
  indexes.set(entries, index);
  return index;
}

/**
 * The entries that speak of this host (revoked ones included), in file order. A parsed file is indexed once by its
 * plain names: a lookup in a known_hosts of 5000 hosts compiled a pattern per line (about 5 ms a connection).
 */
export function entriesFor(entries: KnownHostEntry[], name: string): KnownHostEntry[] {
  const index = indexOf(entries);
  const plain = index.byName.get(name.toLowerCase()) ?? [];
  const scanned = index.scan.filter((i) => entryMatches(entries[i] as KnownHostEntry, name));
  const found = scanned.length === 0 ? plain : [...new Set([...plain, ...scanned])].sort((a, b) => a - b);
  return found.map((i) => entries[i] as KnownHostEntry);
}

/** Compares the key a server presented with what known_hosts says of that host. */
export function verifyHostKey(entries: KnownHostEntry[], presented: Buffer): HostKeyVerdict {
  if (entries.length === 0) return 'unknown';
  if (entries.some((e) => e.revoked && e.key.equals(presented))) return 'mismatch';
  return entries.some((e) => !e.revoked && e.key.equals(presented)) ? 'match' : 'mismatch';
}

const ALGORITHMS_BY_KEY_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/** Host key algorithms to offer: only the types known_hosts has for this host, so a verdict compares like with like. */
export function hostKeyAlgorithms(entries: KnownHostEntry[]): string[] {
  const types = new Set(entries.filter((e) => !e.revoked).map((e) => e.keyType));
  return [...types].flatMap((t) => ALGORITHMS_BY_KEY_TYPE[t] ?? []);
}
