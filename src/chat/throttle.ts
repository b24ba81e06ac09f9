/**
 * Calls fn at most once per interval with the latest value; flush() sends what is pending right away.
 * Used for chat.update, whose rate tier allows about one update a second per message. The interval may
 * depend on how many calls were sent already (a long job's updates spaced out more and more).
 */
export function createThrottle<T>(
  fn: (value: T) => Promise<void>,
  intervalMs: number | ((sent: number) => number),
) {
  let pending: { value: T } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let last = 0;
  let sent = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const interval = typeof intervalMs === 'number' ? () => intervalMs : intervalMs;

  const send = () => {
    timer = undefined;
    if (!pending) return inFlight;
    const { value } = pending;
    pending = undefined;
    last = Date.now();
    sent++;
    inFlight = inFlight.then(() => fn(value)).catch(() => undefined);
    return inFlight;
  };

  return {
    push(value: T): void {
      pending = { value };
      if (timer) return;
      timer = setTimeout(send, Math.max(0, last + interval(sent) - Date.now()));
    },
    async flush(): Promise<void> {
      clearTimeout(timer);
      await send();
    },
    /** Calls sent so far. */
    sent: () => sent,
    cancel(): void {
      clearTimeout(timer);
      pending = undefined;
    },
  };
}
