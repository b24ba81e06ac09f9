import { timingSafeEqual } from 'node:crypto';

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** True when an Authorization header carries these Basic credentials (compared in constant time). */
export function basicAuthOk(header: string | undefined, creds: { user: string; password: string }): boolean {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '');
  if (!m?.[1]) return false;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  // both compared, always: the answer's timing says nothing about which one was wrong
  const user = same(decoded.slice(0, colon), creds.user);
  const password = same(decoded.slice(colon + 1), creds.password);
  return user && password;
}
