/**
 * Rendezvous (highest random weight) hashing: a key goes to the candidate with the highest weight of
 * (candidate, key). Every process that sees the same candidates picks the same one, with no shared table; when a
 * candidate appears or disappears only the keys it wins or held move, every other key keeps its candidate.
 */

/** A 32-bit weight of (candidate, key): FNV-1a over both, then murmur3's finaliser to spread similar inputs. */
export function rendezvousWeight(candidate: number, key: string): number {
  const text = `${candidate}\u0000${key}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // FNV alone leaves keys that differ in their last character ("1", "2") with close weights
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The candidate that wins `key` (the lower number on a tie); undefined when there is none. */
export function rendezvousPick(key: string, candidates: readonly number[]): number | undefined {
  let best: number | undefined;
  let bestWeight = -1;
  for (const c of candidates) {
    const w = rendezvousWeight(c, key);
    if (w > bestWeight || (w === bestWeight && best !== undefined && c < best)) {
      best = c;
      bestWeight = w;
    }
  }
  return best;
}
