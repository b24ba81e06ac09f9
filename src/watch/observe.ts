import type { NtpHostStatus } from '../tasks/chrony/classify.js';
import type { Observation, WatchState } from './watch-state.js';

/** One ntp status check as the watch sees it: an 'error' (SSH failed, chronyd down...) is 'unreachable'. */
export function observe(status: NtpHostStatus, at: number): Observation {
  const state: WatchState = status.state === 'error' ? 'unreachable' : status.state;
  const obs: Observation = { at, state };
  if (status.offsetSeconds !== undefined) obs.offsetSeconds = status.offsetSeconds;
  if (status.selected) obs.source = status.selected.address;
  if (state !== 'ok') {
    if (status.reason) obs.reason = status.reason;
    if (status.hint) obs.hint = status.hint;
  }
  if (status.errorCode) obs.errorCode = status.errorCode;
  return obs;
}
