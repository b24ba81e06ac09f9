import { createHmac, randomBytes } from 'node:crypto';

export interface KnownHost {
  address: string;
  port: number;
  /** "ssh-ed25519 AAAA..." */
  key: string;
  hashed: boolean;
}

/** The name OpenSSH looks up: a bare address on port 22, "[address]:port" otherwise. */
export function hostPattern(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** A HashKnownHosts entry name, as `ssh-keygen -H` writes it: |1|salt|HMAC-SHA1(salt, name). */
export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  const mac = createHmac('sha1', salt).update(name).digest('base64');
  return `|1|${salt.toString('base64')}|${mac}`;
}

export function knownHostsText(entries: KnownHost[]): string {
  return entries
    .map((e) => {
      const name = hostPattern(e.address, e.port);
      return `${e.hashed ? hashHostName(name) : name} ${e.key}\n`;
    })
    .join('');
}
