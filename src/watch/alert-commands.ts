import type { DispatchResult, Requester } from '../bot/dispatch.js';
import { UserInputError } from '../errors.js';
import { resolveTargets } from '../inventory/index.js';
import { ntpHosts } from './ntp-hosts.js';
import { renderSilence } from './render-silences.js';
import { elapsed, when } from './render-time.js';
import { liftForHost, parseSilenceDuration } from './silence.js';
import type { WatchCommandDeps } from './watch-command-deps.js';

const reply = (text: string, outcome?: string): DispatchResult => ({
  kind: 'reply',
  message: { text },
  outcome,
});

const refused = (command: string): DispatchResult =>
  reply(
    `Only lab admins may run \`/lab ${command}\`. Ask an admin, or \`/lab ntp ack <host>\` to acknowledge the alert.`,
    'refused: not an admin',
  );

/** A host or group of the watched hosts; anything else is the user's to fix. */
function watchedHosts(target: string, deps: WatchCommandDeps): { label: string; hosts: string[] } {
  const targets = resolveTargets(deps.inventory, target);
  const watched = new Set(ntpHosts(deps.inventory).map((h) => h.name));
  const hosts = targets.hosts.map((h) => h.name).filter((h) => watched.has(h));
  if (hosts.length === 0)
    throw new UserInputError(`The clock-drift watch does not check ${targets.label}: nothing to act on.`);
  return { label: targets.label, hosts };
}

/** Says it in a host's open alert thread, if it has one; a Slack failure is logged, the command still holds. */
async function tellThread(host: string, text: string, deps: WatchCommandDeps): Promise<void> {
  const channel = deps.alertChannel;
  const record = (await deps.store.load([host])).get(host)?.record;
  const thread = record?.incident && record.threads[record.incident.id];
  if (!channel || !thread) return;
  await deps.chat
    .reply(channel, thread.ts, { text })
    .catch((err: Error) => deps.log.warn({ host, msg: err.message }, 'could not tell the alert thread'));
}

/** `/lab ntp ack <host>`: anyone; the open alert's thread says who and when, and its reminders stop. */
export async function ntpAck([target = '']: readonly string[], who: Requester, deps: WatchCommandDeps) {
  const [host] = watchedHosts(target, deps).hosts;
  if (!host || !deps.inventory.hosts.has(target))
    throw new UserInputError('Acknowledge one host: `/lab ntp ack <host>`.');
  const at = deps.now();
  let before: { by: string; at: number } | undefined;
  const record = await deps.store.update(host, (r) => {
    if (!r?.incident) return undefined;
    if (r.ack?.incident === r.incident.id) {
      before = r.ack;
      return undefined;
    }
    return { ...r, ack: { incident: r.incident.id, by: who.user, at } };
  });
  if (!record?.incident)
    return reply(`${host} has no open drift alert: nothing to acknowledge.`, 'ack: no alert');
  if (before)
    return reply(
      `${host}'s alert was already acknowledged by ${deps.mention(before.by)} (${when(before.at, 'plain')}).`,
      'ack: already acknowledged',
    );
  await tellThread(
    host,
    `👀 Acknowledged by ${deps.mention(who.user)} at ${when(at, 'mrkdwn')}: no more reminders.`,
    deps,
  );
  deps.onAck?.(record.incident.id);
  deps.log.info({ host, user: who.user }, 'drift alert acknowledged');
  return reply(`Acknowledged ${host}'s drift alert: no more reminders for it.`, `acknowledged ${host}`);
}

/** `/lab ntp silence <host|group> <duration> [reason]`: admins; checks go on, nothing is posted until it ends. */
export async function ntpSilence(
  [target = '', duration = '', reason]: readonly string[],
  who: Requester,
  deps: WatchCommandDeps,
) {
  if (!deps.isAdmin(who.user)) return refused(`ntp silence ${target}`);
  const { label, hosts } = watchedHosts(target, deps);
  const { ms } = parseSilenceDuration(duration);
  const at = deps.now();
  const silence = {
    scope: target,
    hosts,
    by: who.user,
    at,
    ...(ms !== undefined && { until: at + ms }),
    ...(reason && { reason }),
  };
  await deps.silences.set(silence);
  const said = renderSilence(silence, deps.mention, 'mrkdwn');
  for (const host of hosts) await tellThread(host, `🔕 ${said}`, deps);
  deps.log.info({ scope: target, user: who.user, until: silence.until }, 'drift alerts silenced');
  const until = ms === undefined ? 'until back in sync' : `for ${elapsed(ms)}`;
  return reply(
    `Silenced ${label} ${until}: still checked and recorded, nothing posted. \`/lab ntp unsilence ${target}\` ends it.`,
    `silenced ${target} ${ms === undefined ? 'until in sync' : `for ${elapsed(ms)}`}`,
  );
}

/**
 * `/lab ntp unsilence <host|group>`: admins; the alerts of its hosts are posted again. A host that a group's
 * silence covers is taken out of it (the group's silence goes on for its other hosts): whoever unsilences a host
 * wants to hear of that host again, whichever silence covered it.
 */
export async function ntpUnsilence([target = '']: readonly string[], who: Requester, deps: WatchCommandDeps) {
  if (!deps.isAdmin(who.user)) return refused(`ntp unsilence ${target}`);
  const ended = await deps.silences.remove(target);
  const host = deps.inventory.hosts.has(target) ? target : undefined;
  const { narrowed, ended: emptied } = host
    ? liftForHost(await deps.silences.list(), host, deps.now())
    : { narrowed: [], ended: [] };
  for (const s of narrowed) await deps.silences.set(s);
  for (const s of emptied) await deps.silences.remove(s.scope);
  const groups = [...narrowed, ...emptied];
  if (!ended && groups.length === 0) {
    const others = (await deps.silences.list()).map((s) => `\`${s.scope}\``).join(', ');
    return reply(
      `No silence on \`${target.replace(/[`<>&]/g, "'")}\`. ${others ? `Silenced: ${others}.` : 'Nothing is silenced.'}`,
      'unsilence: none',
    );
  }
  const hosts = new Set([...(ended?.hosts ?? []), ...(host && groups.length > 0 ? [host] : [])]);
  for (const h of hosts) await tellThread(h, `🔔 Silence ended by ${deps.mention(who.user)}.`, deps);
  deps.log.info({ scope: target, user: who.user, groups: groups.map((s) => s.scope) }, 'drift silence ended');
  const lifted = groups.map((s) =>
    s.hosts.length > 0
      ? `took ${target} out of the silence on ${s.scope} (by ${deps.mention(s.by)}), which goes on for ${s.hosts.join(', ')}`
      : `ended the silence on ${s.scope} (by ${deps.mention(s.by)}): ${target} was the last host it covered`,
  );
  const first = ended ? `Ended the silence on ${target}` : `${target} is no longer silenced`;
  return reply(
    `${first}${lifted.length > 0 ? `; ${lifted.join('; ')}` : ''}: its alerts are posted again.`,
    `unsilenced ${target}${groups.length > 0 ? ` (out of ${groups.map((s) => s.scope).join(', ')})` : ''}`,
  );
}
