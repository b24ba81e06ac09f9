import type { App } from '@slack/bolt';
import { ErrorCode, WebClient, type WebClientOptions } from '@slack/web-api';

/** How long one Slack HTTP request may take, and how often a failed one is tried again. */
export interface SlackCallLimits {
  timeoutMs: number;
  retries: number;
}

/** The pause before each retry: 1 s, then 2 s, at most 4 s (after a 429: its Retry-After instead). */
const BACKOFF = { factor: 2, minTimeout: 1000, maxTimeout: 4000 };

/**
 * The longest a Slack call keeps its caller waiting: every attempt timing out and every pause between them.
 * A rate limit whose Retry-After does not fit in it fails the call rather than stalling a job or the watch.
 */
export function slackCallBudgetMs({ timeoutMs, retries }: SlackCallLimits): number {
  return (retries + 1) * timeoutMs + retries * BACKOFF.maxTimeout;
}

/**
 * WebClient options labops gives every client (its own and Bolt's): a timeout per request, and few retries instead
 * of the default ten over half an hour.
 */
export function slackClientOptions(limits: SlackCallLimits, apiUrl?: string): WebClientOptions {
  return {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    timeout: limits.timeoutMs,
    // maxRetryTime: no new attempt starts once the budget is spent (node-retry checks it after each failure)
    retryConfig: { retries: limits.retries, ...BACKOFF, maxRetryTime: slackCallBudgetMs(limits) },
  };
}

/**
 * A WebClient every method of which settles within {@link slackCallBudgetMs}. A rate limit is waited out here, for
 * that one call, as long as its Retry-After fits in what is left of the budget; otherwise the call fails at once.
 * (WebClient's own handling pauses every call of the client for the whole Retry-After, however long, and that sleep
 * is not covered by its request timeout.)
 */
export class BoundedWebClient extends WebClient {
  readonly #budgetMs: number;
  readonly #retries: number;

  constructor(token: string, limits: SlackCallLimits, apiUrl?: string, logger?: WebClientOptions['logger']) {
    super(token, {
      ...slackClientOptions(limits, apiUrl),
      rejectRateLimitedCalls: true,
      ...(logger ? { logger } : {}),
    });
    this.#budgetMs = slackCallBudgetMs(limits);
    this.#retries = limits.retries;
  }

  override async apiCall(method: string, options?: Record<string, unknown>) {
    const deadline = Date.now() + this.#budgetMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await withinMs(super.apiCall(method, options), deadline - Date.now(), `Slack ${method}`);
      } catch (err) {
        const waitMs = retryAfterMs(err);
        if (waitMs === undefined || attempt >= this.#retries || Date.now() + waitMs >= deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }
}

/** The Retry-After of a rate-limited call (WebClient's slack_webapi_rate_limited_error), in ms. */
function retryAfterMs(err: unknown): number | undefined {
  const { code, retryAfter } = err as { code?: string; retryAfter?: number };
  return code === ErrorCode.RateLimitedError && typeof retryAfter === 'number'
    ? retryAfter * 1000
    : undefined;
}

/** Settles like `work`, or rejects once `ms` have passed ("<what> did not answer within N s"). */
export function withinMs<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${Math.ceil(ms / 1000)} s`)),
      ms,
    );
  });
  // the call goes on in the background after the deadline: its late failure is of no interest any more
  work.catch(() => undefined);
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Bolt posts respond() to the response_url with an axios instance of its own that has no timeout and no option for
 * one; its default is set here so that a hung response_url fails the listener (logged) instead of hanging it.
 */
export function boundRespond(app: App, timeoutMs: number): void {
  const axios = (app as unknown as { axios?: { defaults?: { timeout?: number } } }).axios;
  if (!axios?.defaults) throw new Error('Bolt has no axios instance to bound respond() with (Bolt upgrade?)');
  axios.defaults.timeout = timeoutMs;
}
