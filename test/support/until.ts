/**
 * Polls `probe` until it gives a value (anything but undefined, null or false) and resolves with it; throws, naming
 * `what`, when `ms` pass first. For tests that wait for something to happen, never for a time to pass.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  ms = 60_000,
  everyMs = 100,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
