/**
 * The shards this process runs, by the `ntp.status` job they belong to: a cancel of that job (which reaches every
 * worker on the cancel channel) aborts each of them here.
 */
export class ShardCancels {
  private readonly running = new Map<string, Set<AbortController>>();

  /** A controller for one shard of `parent`'s run; release() once the shard is over. */
  track(parent: string): { signal: AbortSignal; release(): void } {
    const c = new AbortController();
    let set = this.running.get(parent);
    if (!set) {
      set = new Set();
      this.running.set(parent, set);
    }
    set.add(c);
    return {
      signal: c.signal,
      release: () => {
        set.delete(c);
        if (set.size === 0 && this.running.get(parent) === set) this.running.delete(parent);
      },
    };
  }

  /** Aborts every shard of `parent` running here. */
  cancel(parent: string, reason: string): number {
    const set = this.running.get(parent);
    for (const c of set ?? []) c.abort(reason);
    return set?.size ?? 0;
  }
}
