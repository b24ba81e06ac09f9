/**
 * Signals for the commands of a fan-out that follow one shared signal through a single listener on it: a check of
 * 40 hosts hands each host its own signal instead of adding 40 abort listeners to the shared one (Node warns
 * "MaxListenersExceededWarning" past 10). close() removes that listener once the fan-out is over.
 */
export function fanOutSignal(parent: AbortSignal): { child(): AbortSignal; close(): void } {
  const children = new Set<AbortController>();
  const onAbort = () => {
    for (const c of children) c.abort(parent.reason);
  };
  parent.addEventListener('abort', onAbort, { once: true });
  return {
    child() {
      const c = new AbortController();
      if (parent.aborted) c.abort(parent.reason);
      else children.add(c);
      return c.signal;
    },
    close() {
      parent.removeEventListener('abort', onAbort);
      children.clear();
    },
  };
}
