import { context, section } from '../chat/blocks.js';
import type { ChatMessage } from '../chat/message.js';
import { escapeMrkdwn, type TextStyle } from '../chat/mrkdwn.js';
import { describeObservation, STATE_WORDS, stateHeadline } from './render-state.js';
import { elapsed, when } from './render-time.js';
import type { Announcement, WatchRules } from './watch-state.js';

type Rules = Pick<WatchRules, 'flapWindowMs' | 'flapStableChecks'>;

function lines(
  a: Announcement,
  rules: Rules,
  style: TextStyle,
): { head: string; body: string; foot?: string } {
  const host = style === 'mrkdwn' ? `*${escapeMrkdwn(a.host)}*` : a.host;
  const facts = describeObservation(a.observation, style);
  const since = `since ${when(a.since, style)}`;
  const hint = a.observation.hint && a.state !== 'ok' ? escapeHint(a.observation.hint, style) : undefined;
  switch (a.kind) {
    case 'alert':
      return {
        head: `${stateHeadline(a.host, a.state, style)} ${since}`,
        body: facts,
        foot: [hint, 'Changes and the recovery will be posted in this thread.'].filter(Boolean).join(' '),
      };
    case 'change':
      return {
        head: `${stateHeadline(a.host, a.state, style)} ${since} (was ${STATE_WORDS[a.from]})`,
        body: facts,
        foot: hint,
      };
    case 'recovery': {
      const flapped = a.flappingSince ? ', and has stopped flapping' : '';
      const lasted = a.openedAt !== undefined ? ` after ${elapsed(a.since - a.openedAt)}` : '';
      return {
        head: `✅ ${host} is back in sync ${since}${lasted}${flapped} (was ${STATE_WORDS[a.from]})`,
        body: facts,
      };
    }
    case 'flapping':
      return {
        head: `🔁 ${host} is flapping: ${a.changes} state changes within ${elapsed(rules.flapWindowMs)}, now ${STATE_WORDS[a.state]}`,
        body: facts,
        foot: `Further changes are not announced until one state holds for ${rules.flapStableChecks} checks in a row.`,
      };
    case 'settled':
      return {
        head: `${stateHeadline(a.host, a.state, style)}: stopped flapping, steady ${since}`,
        body: facts,
        foot: hint,
      };
  }
}

function escapeHint(hint: string, style: TextStyle): string {
  return style === 'mrkdwn' ? escapeMrkdwn(hint) : hint;
}

/** What the channel is told for one announcement: Block Kit plus the same as plain text. */
export function renderAnnouncement(a: Announcement, rules: Rules): ChatMessage {
  const plain = lines(a, rules, 'plain');
  const rich = lines(a, rules, 'mrkdwn');
  return {
    text: [plain.head, plain.body, plain.foot].filter(Boolean).join('\n'),
    blocks: [section(`${rich.head}\n${rich.body}`), ...(rich.foot ? [context(rich.foot)] : [])],
  };
}

/**
 * One message for hosts whose incidents began in the same check: a shared cause is likely (a time server down, the
 * network), and one message says so better than one alert per host. Each host's alert follows in its thread.
 */
export function renderGroupAlert(alerts: readonly Announcement[]): ChatMessage {
  const head = groupHeadline(alerts);
  const foot = "Each host's alert, changes and recovery are posted in this thread.";
  return {
    text: [head, ...alerts.map((a) => stateHeadline(a.host, a.state, 'plain')), foot].join('\n'),
    blocks: [
      section(`*${head}*\n${alerts.map((a) => stateHeadline(a.host, a.state, 'mrkdwn')).join('\n')}`),
      context(foot),
    ],
  };
}

/** The group message's first line, kept to show it again once every host in it is back in sync. */
export function groupHeadline(alerts: readonly Announcement[]): string {
  return `🚨 ${alerts.length} hosts left a good state in the same check: a shared cause is likely (a time server, the network)`;
}

/** The group message once the last of its hosts is back in sync: crossed out, with when. */
export function renderResolvedGroup(headline: string, last: Announcement): ChatMessage {
  return crossedOut(
    headline,
    last.since,
    `every host is back in sync (${last.host} last)`,
    'every host is back in sync',
  );
}

/** The alert's first line, kept to show the alert again once it is resolved. */
export function alertHeadline(a: Announcement, rules: Rules): string {
  return lines(a, rules, 'mrkdwn').head;
}

/**
 * The alert message once its incident is over: crossed out, with when and how it ended. silenced: it ended while
 * the host was silenced, so its thread has no word of it.
 */
export function renderResolvedAlert(
  headline: string,
  recovery: Announcement,
  opts: { silenced?: boolean } = {},
): ChatMessage {
  if (!opts.silenced)
    return crossedOut(headline, recovery.since, `${recovery.host} is back in sync`, 'back in sync');
  const how = 'back in sync while silenced';
  return crossedOut(
    headline,
    recovery.since,
    `${recovery.host} is ${how}`,
    how,
    'Nothing was posted meanwhile.',
  );
}

/** A resolved alert: its headline crossed out, then when it ended and how (plain text, and for the context line). */
function crossedOut(
  headline: string,
  since: number,
  plainHow: string,
  how: string,
  more = 'Details in the thread.',
): ChatMessage {
  return {
    text: `✅ Resolved ${when(since, 'plain')}: ${plainHow}.`,
    blocks: [
      section(`~${headline.replace(/~/g, '')}~`),
      context(`✅ Resolved ${when(since, 'mrkdwn')}: ${how}. ${more}`),
    ],
  };
}
