import type { Logger } from '../log/logger.js';
import type { PagerEvent } from './pagerduty-event.js';

export interface PagerOptions {
  url: string;
  /** Per attempt. */
  timeoutMs?: number;
  /** Attempts per event, with doubling backoff from backoffMs. */
  attempts?: number;
  backoffMs?: number;
  /** Events waiting beyond this are dropped (oldest first), with a warning. */
  maxPending?: number;
  log: Logger;
}

/** Sends PagerDuty events one at a time in the background: send() never waits, a failure never reaches Slack's side. */
export function createPager(opts: PagerOptions) {
  const { url, timeoutMs = 10_000, attempts = 4, backoffMs = 1000, maxPending = 200, log } = opts;
  const pending: PagerEvent[] = [];
  let running: Promise<void> | undefined;
  let stopped = false;

  const post = async (event: PagerEvent) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel();
    // 429 and 5xx are PagerDuty's "try again"; other 4xx will not get better
    if (res.status === 429 || res.status >= 500) throw new Error(`PagerDuty answered ${res.status}`);
    if (!res.ok) log.warn({ status: res.status, action: event.event_action }, 'PagerDuty refused the event');
  };
  const deliver = async (event: PagerEvent) => {
    for (let i = 1; i <= attempts && !stopped; i++) {
      try {
        return await post(event);
      } catch (err) {
        log.warn(
          { attempt: i, action: event.event_action, msg: (err as Error).message },
          'PagerDuty event not sent',
        );
        if (i < attempts) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (i - 1)));
      }
    }
  };
  const drain = async () => {
    for (let e = pending.shift(); e; e = pending.shift()) await deliver(e);
    running = undefined;
  };
  return {
    send(event: PagerEvent): void {
      if (stopped) return;
      pending.push(event);
      if (pending.length > maxPending) {
        pending.shift();
        log.warn({ maxPending }, 'PagerDuty events piling up: the oldest was dropped');
      }
      running ??= drain();
    },
    /** Stops retrying; waits for the event under way. */
    async close(): Promise<void> {
      stopped = true;
      pending.length = 0;
      await running;
    },
  };
}
export type Pager = ReturnType<typeof createPager>;
