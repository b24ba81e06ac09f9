import { escapeMrkdwn, type TextStyle } from '../chat/mrkdwn.js';
import type { HostErrorCode } from '../errors.js';
import { formatOffsetLong } from '../tasks/chrony/format-offset.js';
import type { Observation, WatchState } from './watch-state.js';

export const WATCH_EMOJI: Readonly<Record<WatchState, string>> = {
  ok: '✅',
  warning: '⚠️',
  critical: '🔴',
  unsynchronised: '🟠',
  unreachable: '❌',
};

export const STATE_WORDS: Readonly<Record<WatchState, string>> = {
  ok: 'in sync',
  warning: 'drifting (warning)',
  critical: 'drifting (critical)',
  unsynchronised: 'not synchronised',
  unreachable: 'unreachable',
};

const WHY_UNREACHABLE: Readonly<Record<HostErrorCode, string>> = {
  unreachable: 'SSH failed',
  timeout: 'SSH timed out',
  auth: 'SSH authentication failed',
  'hostkey-mismatch': 'host key mismatch',
  'hostkey-unknown': 'host key unknown',
  'command-missing': 'chronyc missing',
  'daemon-down': 'chronyd down',
  'command-failed': 'chronyc failed',
  'not-checked': 'not checked',
};

const sentence = (t: string) => (/[.!?]$/.test(t) ? t : `${t}.`);

/**
 * The facts of one check, e.g. "offset 3.0 s slow of NTP time, source 127.0.2.3" or
 * "chronyd down: chronyd does not answer…"; host text escaped for mrkdwn.
 */
export function describeObservation(obs: Observation, style: TextStyle): string {
  const esc = style === 'mrkdwn' ? escapeMrkdwn : (t: string) => t;
  const code = (t: string) => (style === 'mrkdwn' ? `\`${esc(t)}\`` : t);
  const parts: string[] = [];
  if (obs.state === 'unreachable') {
    const why = obs.errorCode ? WHY_UNREACHABLE[obs.errorCode] : 'could not be checked';
    return `${why}: ${sentence(esc(obs.reason ?? 'no details'))}`;
  }
  if (obs.state === 'unsynchronised') return sentence(esc(obs.reason ?? 'chronyd is not synchronised'));
  if (obs.offsetSeconds !== undefined) {
    const offset = formatOffsetLong(obs.offsetSeconds);
    parts.push(`offset ${style === 'mrkdwn' && obs.state !== 'ok' ? `*${offset}*` : offset}`);
  }
  if (obs.source) parts.push(`source ${code(obs.source)}`);
  else if (obs.state === 'ok') parts.push('serving its local clock');
  return parts.join(', ');
}

/** "🔴 *client-drift*: drifting (critical)". */
export function stateHeadline(host: string, state: WatchState, style: TextStyle): string {
  const name = style === 'mrkdwn' ? `*${escapeMrkdwn(host)}*` : host;
  return `${WATCH_EMOJI[state]} ${name}: ${STATE_WORDS[state]}`;
}
