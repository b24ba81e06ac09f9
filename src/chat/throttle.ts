/**
 * Calls fn at most once per interval with the latest value; flush() sends what is pending right away.
 * Used for chat.update, whose rate tier allows about one update a second per message.
 */
export function createThrottle<T>(fn: (value: T) => Promise<void>, intervalMs: number) {
  let pending: { value: T } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let last = 0;
  let inFlight: Promise<void> = Promise.resolve();

  const send = () => {
    timer = undefined;
    if (!pending) return inFlight;
    const { value } = pending;
    pending = undefined;
    last = Date.now();
    inFlight = inFlight.then(() => fn(value)).catch(() => undefined);
    return inFlight;
  };

  return {
    push(value: T): void {
      pending = { value };
      if (timer) return;
      timer = setTimeout(send, Math.max(0, last + intervalMs - Date.now()));
    },
    async flush(): Promise<void> {
      clearTimeout(timer);
      await send();
    },
    cancel(): void {
      clearTimeout(timer);
      pending = undefined;
    },
  };
}
