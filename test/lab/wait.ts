/**
 * Polls `ready` until it holds, `failed` names a reason to give up, or `timeoutMs` passes.
 * Throws an error naming `what`.
 */
export async function waitUntil(
  what: string,
  ready: () => Promise<boolean>,
  o: { timeoutMs: number; intervalMs?: number; failed?: () => string | undefined },
): Promise<void> {
  const end = Date.now() + o.timeoutMs;
  for (;;) {
    const reason = o.failed?.();
    if (reason) throw new Error(`lab: ${what}: ${reason}`);
    if (await ready()) return;
    if (Date.now() > end) throw new Error(`lab: ${what}: not ready after ${o.timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 100));
  }
}
