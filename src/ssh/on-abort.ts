interface Shared {
  fns: Set<() => void>;
  listener: () => void;
}

const shared = new WeakMap<AbortSignal, Shared>();

/**
 * Calls `fn` when `signal` aborts; returns the function that unregisters it. However many commands of one job run
 * at once (a status check of 40 hosts), the job's signal carries one listener, removed with the last command:
 * Node warns of a leak past ten listeners.
 */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  let entry = shared.get(signal);
  if (!entry) {
    const fns = new Set<() => void>();
    const listener = () => {
      shared.delete(signal);
      for (const f of fns) f();
    };
    entry = { fns, listener };
    shared.set(signal, entry);
    signal.addEventListener('abort', listener, { once: true });
  }
  const { fns, listener } = entry;
  fns.add(fn);
  return () => {
    fns.delete(fn);
    if (fns.size > 0 || shared.get(signal)?.fns !== fns) return;
    shared.delete(signal);
    signal.removeEventListener('abort', listener);
  };
}
