import type { Logger } from '../log/logger.js';
import type { HostLocks } from './host-locks.js';

/**
 * Keeps a running job's host locks alive: renewed every third of their TTL, so a Redis hiccup shorter than two
 * renewals costs nothing, and a worker that dies (SIGKILL) frees its hosts within one TTL. The result stops it.
 */
export function heartbeat(
  locks: Pick<HostLocks, 'acquire' | 'ttlMs'>,
  hosts: readonly string[],
  owner: string,
  log: Logger,
): () => void {
  const renew = () => {
    locks.acquire(hosts, owner).then(
      (holder) => {
        // another job took a host after our lock ran out (Redis unreachable for a whole TTL): say so loudly
        if (holder) log.error({ hosts, holder }, 'host locks lost to another job while this change runs');
      },
      (err: Error) => log.warn({ msg: err.message }, 'host locks not renewed; trying again'),
    );
  };
  const timer = setInterval(renew, Math.max(100, Math.floor(locks.ttlMs / 3)));
  timer.unref();
  return () => clearInterval(timer);
}
