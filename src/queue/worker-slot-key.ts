/**
 * The Redis key base of a lab's worker slots (see worker-slots.ts): one claim per worker process per lab,
 * held by the worker role. A slot serves the lab's ntp status shards and, while the lab's watch runs, its drift
 * shards, so a host's checks of both kinds run on one worker. (Until host affinity the watch had slots of its own
 * under `<prefix>:drift:slot`; they are not read any more: see docs/SHARDED-NTP-STATUS.md.)
 */
export function workerSlotKey(prefix: string): string {
  return `${prefix}:worker:slot`;
}
