import type { HomeView } from '@slack/types';
import type { Logger } from '../log/logger.js';

/** One refresh per this many ms at most: Slack's views.publish allows about 100 a minute per app. */
export const HOME_REFRESH_MS = 2000;

export interface HomeRefreshDeps {
  viewers(): Promise<string[]>;
  view(): Promise<HomeView>;
  publish(user: string, view: HomeView): Promise<unknown>;
  /** Changes within this window make one refresh (a status of 40 hosts ends many things at once). */
  debounceMs: number;
  log: Logger;
}

/**
 * Keeps the App Home of the users who opened it current: request() after anything it shows changed (a job
 * started or ended, a host's last NTP state); one view is built and published to each viewer, at most once per
 * debounce window. Failures are logged, never thrown: the Home is a convenience.
 */
export function createHomeRefresher(deps: HomeRefreshDeps): { request(): void; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const refresh = async () => {
    timer = undefined;
    try {
      const users = await deps.viewers();
      if (users.length === 0) return;
      const view = await deps.view();
      for (const user of users)
        await deps
          .publish(user, view)
          .catch((err: Error) => deps.log.warn({ user, msg: err.message }, 'App Home not refreshed'));
    } catch (err) {
      deps.log.warn({ msg: (err as Error).message }, 'App Home not refreshed');
    }
  };
  return {
    request() {
      if (stopped || timer) return;
      timer = setTimeout(() => void refresh(), deps.debounceMs);
      timer.unref();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
