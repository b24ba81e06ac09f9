import type { HomeView } from '@slack/types';
import type { Logger } from '../log/logger.js';

/** One refresh per this many ms at most. */
export const HOME_REFRESH_MS = 2000;
/** Slack's views.publish allows about 100 calls a minute per app: each published view pushes the next refresh back. */
const MS_PER_PUBLISH = 600;

export interface HomeRefreshDeps {
  viewers(): Promise<string[]>;
  view(): Promise<HomeView>;
  /** Each viewer's own view (LAB_POLICY: the labs they can see); absent: one view for every viewer. */
  viewOf?(user: string): Promise<HomeView>;
  publish(user: string, view: HomeView): Promise<unknown>;
  /**
   * Whether this process may refresh now: every worker sees job events, and one of them refreshing a window is
   * enough (a Redis SET NX PX across processes). Always true when absent.
   */
  claim?(windowMs: number): Promise<boolean>;
  /** Changes within this window make one refresh (a status of 40 hosts ends many things at once). */
  debounceMs: number;
  log: Logger;
}

/**
 * Keeps the App Home of the users who opened it current: request() after anything it shows changed (a job
 * started or ended, a host's last NTP state); one view is built and published to each viewer. One refresh at a
 * time, at most one per debounce window across processes, and the more viewers, the longer the window (Slack's
 * rate limit). Failures are logged, never thrown: the Home is a convenience.
 */
export function createHomeRefresher(deps: HomeRefreshDeps): { request(): void; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let busy = false;
  let again = false;
  let stopped = false;
  let windowMs = deps.debounceMs;
  const schedule = () => {
    if (stopped || timer) return;
    timer = setTimeout(() => void refresh(), windowMs);
    timer.unref();
  };
  const refresh = async () => {
    timer = undefined;
    if (busy) {
      again = true; // the one under way may have read the state before this change
      return;
    }
    busy = true;
    try {
      if (deps.claim && !(await deps.claim(windowMs))) {
        again = true; // another process has this window: look again after it, so this change is shown too
        return;
      }
      const users = await deps.viewers();
      windowMs = Math.max(deps.debounceMs, users.length * MS_PER_PUBLISH);
      if (users.length === 0) return;
      const shared = deps.viewOf ? undefined : await deps.view();
      for (const user of users)
        await (shared ? Promise.resolve(shared) : (deps.viewOf?.(user) ?? deps.view()))
          .then((view) => deps.publish(user, view))
          .catch((err: Error) => deps.log.warn({ user, msg: err.message }, 'App Home not refreshed'));
    } catch (err) {
      deps.log.warn({ msg: (err as Error).message }, 'App Home not refreshed');
    } finally {
      busy = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  };
  return {
    request: schedule,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
