import type { Logger } from '../log/logger.js';

/** Asks Slack for a user group's members (usergroups.users.list); must settle within its own timeout. */
export type ListGroupMembers = (group: string) => Promise<readonly string[]>;

interface Entry {
  members: readonly string[];
  at: number;
}

/** How long a group's members are trusted before Slack is asked again. */
export const GROUP_TTL_MS = 5 * 60_000;
/** The longest a command waits for Slack's answer about a group; a stale list (or none) is used after that. */
export const GROUP_TIMEOUT_MS = 3000;

/**
 * User groups' members, cached and refreshed: a list younger than ttlMs is used as it is; an older one is
 * refreshed, and kept (with a warning in the log) when Slack fails or is slow. A group never read gives nobody
 * its role until Slack answers.
 */
export class UserGroups {
  private readonly cache = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<readonly string[]>>();

  constructor(
    private readonly list: ListGroupMembers,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = GROUP_TTL_MS,
    private readonly timeoutMs = GROUP_TIMEOUT_MS,
  ) {}

  async members(group: string): Promise<readonly string[]> {
    const known = this.cache.get(group);
    if (known && this.now() - known.at < this.ttlMs) return known.members;
    return this.refresh(group, known);
  }

  /** Forgets every list: the next command asks Slack again (a policy reload calls it). */
  clear(): void {
    this.cache.clear();
  }

  private refresh(group: string, known: Entry | undefined): Promise<readonly string[]> {
    const running = this.pending.get(group);
    if (running) return running;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    const asked = Promise.race([this.list(group), late])
      .then((members) => {
        const bounded = members.slice(0, 10_000);
        this.cache.set(group, { members: bounded, at: this.now() });
        return bounded;
      })
      .catch((err: Error) => {
        this.log.warn(
          { group, msg: err.message, stale: known !== undefined },
          'user group not read from Slack: its roles use the last list known',
        );
        return known?.members ?? [];
      })
      .finally(() => {
        clearTimeout(timer);
        this.pending.delete(group);
      });
    this.pending.set(group, asked);
    return asked;
  }
}
