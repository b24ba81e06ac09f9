import { createPrivateKey, sign } from 'node:crypto';
import ssh2, { type ParsedKey } from 'ssh2';

const parsed = new WeakMap<Buffer, ParsedKey | Error>();

/**
 * The private key as ssh2 uses it for public-key authentication, parsed once per key file read (the pool keeps a
 * read for a second, so a fan-out parses it once). An ed25519 key signs with a KeyObject made once: ssh2 signs with
 * the PEM text, which OpenSSL parses again at every signature (about 1 ms a connection, the largest part of labops'
 * own CPU when it connects to thousands of hosts). Other key types sign as ssh2 does. An Error when it cannot be used.
 */
export function authKey(text: Buffer): ParsedKey | Error {
  let key = parsed.get(text);
  if (!key) {
    key = prepare(text);
    parsed.set(text, key);
  }
  return key;
}

function prepare(text: Buffer): ParsedKey | Error {
  const result = ssh2.utils.parseKey(text);
  if (result instanceof Error) return result;
  const key = Array.isArray(result) ? result[0] : result;
  if (!key) return new Error('no key in the file');
  if (!key.isPrivateKey()) return new Error('it holds no private key');
  const pem = key.getPrivatePEM();
  if (key.type !== 'ssh-ed25519' || !pem) return key;
  const keyObject = createPrivateKey(pem);
  // ssh2 recognises a parsed key by its own fields, which the copy inherits
  const fast: ParsedKey = Object.create(key);
  fast.sign = (data: Buffer) => {
    try {
      return sign(null, data, keyObject);
    } catch (err) {
      return err as Error;
    }
  };
  return fast;
}
