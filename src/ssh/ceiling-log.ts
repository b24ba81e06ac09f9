/** What the pool reports while its connection ceiling holds it back. */
export interface CeilingLog {
  warn(obj: object, msg: string): void;
}

export interface CeilingReport {
  /** An idle connection was closed (least recently used) to make room for another host's. */
  closed(): void;
  /** A command waited for a connection slot: every pooled connection was busy. */
  waited(): void;
  stop(): void;
}

/**
 * One log line when the pool first hits its ceiling, then at most one a window summing up what the ceiling did
 * (connections closed, commands made to wait), and silence once it no longer limits: never a line a connection.
 */
export function ceilingReport(log: CeilingLog, max: number, windowMs = 60_000): CeilingReport {
  let counts = { closed: 0, waited: 0 };
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (counts.closed + counts.waited === 0) return; // a quiet window: the next hit is news again
    log.warn(
      { maxConnections: max, ...counts, windowSeconds: windowMs / 1000 },
      `SSH pool still at its ceiling of ${max} connections (LAB_SSH_MAX_CONNECTIONS): closed ${counts.closed} idle connections and held ${counts.waited} commands for a free one in the last ${windowMs / 1000} s`,
    );
    counts = { closed: 0, waited: 0 };
    arm();
  };
  const arm = () => {
    timer = setTimeout(flush, windowMs);
    timer.unref();
  };
  const hit = (kind: 'closed' | 'waited') => {
    if (timer) {
      counts[kind]++;
      return;
    }
    log.warn(
      { maxConnections: max },
      `SSH pool reached its ceiling of ${max} connections (LAB_SSH_MAX_CONNECTIONS): closing the least recently used idle connections to reach other hosts, and holding commands when all are busy. More hosts than that in one run cost a new connection each; raise LAB_SSH_MAX_CONNECTIONS if the file-descriptor limit allows.`,
    );
    arm();
  };
  return {
    closed: () => hit('closed'),
    waited: () => hit('waited'),
    stop: () => clearTimeout(timer),
  };
}
