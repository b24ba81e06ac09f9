import type { App } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';

/** How long one Slack HTTP request may take, and how often a failed one is tried again. */
export interface SlackCallLimits {
  timeoutMs: number;
  retries: number;
}

/** The pause before each retry: 1 s, then 2 s, at most 4 s (Retry-After, when Slack sends one, comes on top). */
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
 * of the default ten over half an hour. 429s are still waited out as Retry-After says, within the budget.
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
 * A WebClient every method of which settles within {@link slackCallBudgetMs}: a Retry-After sleep inside WebClient
 * is not covered by its request timeout, so the whole call is raced against the budget too.
 */
export class BoundedWebClient extends WebClient {
  readonly #budgetMs: number;

  constructor(token: string, limits: SlackCallLimits, apiUrl?: string, logger?: WebClientOptions['logger']) {
    super(token, { ...slackClientOptions(limits, apiUrl), ...(logger ? { logger } : {}) });
    this.#budgetMs = slackCallBudgetMs(limits);
  }

  override apiCall(method: string, options?: Record<string, unknown>) {
    return withinMs(super.apiCall(method, options), this.#budgetMs, `Slack ${method}`);
  }
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
