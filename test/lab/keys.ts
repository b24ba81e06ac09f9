import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * An ed25519 key pair in OpenSSH format at `path` and `path.pub`, generated once:
 * a lab dir that is reused keeps its keys, so a known_hosts copied elsewhere stays valid.
 */
export async function ensureKeyPair(path: string, comment: string): Promise<string> {
  if (!existsSync(path) || !existsSync(`${path}.pub`)) {
    // ssh-keygen asks before overwriting, so clear a half-written pair first
    rmSync(path, { force: true });
    rmSync(`${path}.pub`, { force: true });
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
  }
  return path;
}

/** "ssh-ed25519 AAAA..." without the comment. */
export function publicKey(privatePath: string): string {
  const [type, blob] = readFileSync(`${privatePath}.pub`, 'utf8').trim().split(/\s+/);
  return `${type} ${blob}`;
}
