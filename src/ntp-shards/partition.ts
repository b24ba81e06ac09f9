/** FNV-1a, 32 bits, over the name's UTF-16 code units: the same number in every process, whatever the order. */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The shard a host belongs to: a hash of its name, so a host stays in its shard from run to run. */
export function shardOf(host: string, shards: number): number {
  return nameHash(host) % shards;
}

/** One shard of a run: its number (stable for its hosts) and its hosts, in the order they were given. */
export interface Shard {
  k: number;
  hosts: string[];
}

/**
 * The hosts split into at most `shards` shards by {@link shardOf}; shards with no host are left out. Whatever the
 * target (all hosts, a group), a host always lands in the same shard number: a worker that keeps shard k keeps its
 * connections to k's hosts warm.
 */
export function partition(hosts: readonly string[], shards: number): Shard[] {
  const by = new Map<number, string[]>();
  for (const host of hosts) {
    const k = shardOf(host, shards);
    const list = by.get(k);
    if (list) list.push(host);
    else by.set(k, [host]);
  }
  return [...by].sort((a, b) => a[0] - b[0]).map(([k, list]) => ({ k, hosts: list }));
}
