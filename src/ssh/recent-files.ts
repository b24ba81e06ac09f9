import { readFile } from 'node:fs/promises';

/**
 * Reads files, keeping each one's content for `freshMs`: a fan-out opening 1000 connections with one key reads it
 * once, while a key replaced on disk is used within that time. A failed read is not kept.
 */
export function recentFiles(freshMs: number): (path: string) => Promise<Buffer> {
  const kept = new Map<string, { at: number; bytes: Promise<Buffer> }>();
  return (path) => {
    const now = Date.now();
    const hit = kept.get(path);
    if (hit && now - hit.at < freshMs) return hit.bytes;
    const bytes = readFile(path);
    kept.set(path, { at: now, bytes });
    bytes.catch(() => {
      if (kept.get(path)?.bytes === bytes) kept.delete(path);
    });
    return bytes;
  };
}
