/**
 * Waits `ms`, or less if the signal aborts (it resolves then; the caller sees the abort on its next call). The
 * listener goes when the sleep ends either way: a wait of minutes polls on one signal without piling listeners up.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    const timer = setTimeout(stop, ms);
    signal?.addEventListener('abort', stop, { once: true });
  });
}
