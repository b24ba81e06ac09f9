import { createPublicKey, verify } from 'node:crypto';
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { authKey } from '../../../src/ssh/auth-key.js';
import { newKeyPair } from '../../fleet/index.js';

describe('the private key labops authenticates with', () => {
  it('signs as ssh2 would (ed25519: a KeyObject made once), verifiable with the public key', () => {
    const pair = newKeyPair();
    const text = Buffer.from(pair.private);
    const key = authKey(text);
    if (key instanceof Error) throw key;
    expect(authKey(text)).toBe(key); // parsed once per read
    const data = Buffer.from('session id and userauth request');
    const signature = key.sign(data);
    if (signature instanceof Error) throw signature;
    const theirs = ssh2.utils.parseKey(text);
    if (theirs instanceof Error || Array.isArray(theirs)) throw new Error('ssh2 cannot read the key');
    expect(signature).toEqual(theirs.sign(data)); // ed25519 signatures are deterministic
    const pub = createPublicKey((theirs as unknown as { getPublicPEM(): string }).getPublicPEM());
    expect(verify(null, data, pub, signature)).toBe(true);
    expect(key.getPublicSSH()).toEqual(theirs.getPublicSSH());
    expect(key.isPrivateKey()).toBe(true);
  });

  it('says why a file cannot be used: not a key, or a public key only', () => {
    expect(authKey(Buffer.from('not a key'))).toBeInstanceOf(Error);
    const pair = newKeyPair();
    expect(authKey(Buffer.from(pair.public))).toMatchObject({ message: 'it holds no private key' });
  });
});
