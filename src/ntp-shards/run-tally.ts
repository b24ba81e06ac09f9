import type { NtpHostStatus } from '../tasks/chrony/classify.js';
import { fromStored, notCheckedStatus } from './stored-status.js';

/**
 * What the coordinator of a shared check knows of its hosts: which have a status yet. Each host is settled once,
 * by its first recorded status (or as not checked); a name the run did not ask for is ignored. Pure.
 */
export class RunTally {
  private readonly open: Set<string>;

  constructor(readonly hosts: readonly string[]) {
    this.open = new Set(hosts);
  }

  /** Statuses newly read from the run ([host, recorded JSON]): those of hosts not settled yet, each once. */
  take(entries: readonly (readonly [string, string])[]): NtpHostStatus[] {
    const settled: NtpHostStatus[] = [];
    for (const [host, raw] of entries) {
      if (!this.open.delete(host)) continue;
      settled.push(fromStored(host, raw));
    }
    return settled;
  }

  /** The hosts of `among` still without a status, settled now as not checked (why: what their shard said). */
  missing(among: readonly string[], why?: string): NtpHostStatus[] {
    const settled: NtpHostStatus[] = [];
    for (const host of among) if (this.open.delete(host)) settled.push(notCheckedStatus(host, why));
    return settled;
  }

  /** Hosts with a status so far (what the progress counts). */
  get settled(): number {
    return this.hosts.length - this.open.size;
  }

  get complete(): boolean {
    return this.open.size === 0;
  }
}
