import { section } from '../chat/blocks.js';
import type { ChatMessage } from '../chat/message.js';
import { escapeMrkdwn } from '../chat/mrkdwn.js';
import type { Announcement, Observation } from './watch-state.js';

const EMOJI = { ok: '✅', warning: '🟠', critical: '🔴', unsynchronised: '🟠', unreachable: '❌' } as const;

function skewLines(obs: Observation): string[] {
  return (obs.ceph?.skewed ?? []).map(({ mon, host }) => {
    const skew = obs.ceph?.skews[mon];
    const value = skew === undefined ? '' : ` ${Number(skew.toPrecision(6))} s`;
    return `• mon.${mon}: skew${value} against the leader; ${host ? `host ${host}` : 'not in the inventory'}`;
  });
}

/** The alert's first line, kept to cross it out on recovery. */
export function cephHeadline(a: Announcement): string {
  return `${EMOJI[a.state]} Ceph ${a.observation.reason ?? a.observation.ceph?.health ?? a.state}`;
}

/** An alert, a change (in the thread) or the recovery (in the thread) of the Ceph cluster. */
export function renderCephAnnouncement(a: Announcement): ChatMessage {
  const obs = a.observation;
  const head =
    a.kind === 'recovery'
      ? `✅ Ceph recovered: ${obs.ceph?.health ?? 'HEALTH_OK'}, no clock skew (answered by ${obs.ceph?.monitor ?? '?'})`
      : a.kind === 'alert'
        ? cephHeadline(a)
        : `${EMOJI[a.state]} Ceph now ${obs.reason ?? a.state}`;
  const lines = [head, ...(a.kind === 'recovery' ? [] : skewLines(obs)), ...(obs.hint ? [obs.hint] : [])];
  return { text: lines.join('\n'), blocks: [section(escapeMrkdwn(lines.join('\n')))] };
}

/** The alert once the cluster is well again: crossed out, with when. */
export function renderCephResolved(headline: string): ChatMessage {
  const text = `~${headline}~ resolved`;
  return { text, blocks: [section(escapeMrkdwn(text))] };
}
