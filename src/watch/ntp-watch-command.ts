import type { DispatchResult, Requester } from '../bot/dispatch.js';
import { refusal } from '../bot/permissions.js';
import { when } from './render-time.js';
import type { WatchCommandDeps } from './watch-command-deps.js';

const reply = (text: string): DispatchResult => ({ kind: 'reply', message: { text } });

/** `/lab ntp watch on|off`: admins only; the alert channel is told. */
export async function ntpWatch(
  onOff: string,
  who: Requester,
  deps: WatchCommandDeps,
): Promise<DispatchResult> {
  const on = onOff.toLowerCase() === 'on';
  const command = `ntp watch ${on ? 'on' : 'off'}`;
  if (!deps.isAdmin(who.user)) {
    deps.log.warn(
      { user: who.user, channel: who.channel, command: `/lab ${command}` },
      'refused: not an admin',
    );
    return { kind: 'reply', message: { text: refusal(command) }, outcome: 'refused: not an admin' };
  }
  const before = on ? await deps.store.resume() : await deps.store.pause({ by: who.user, at: deps.now() });
  const by = deps.mention(who.user);
  if (on && !before) return reply('The clock-drift watch is already running.');
  if (!on && before)
    return reply(
      `The clock-drift watch is already paused (by ${deps.mention(before.by)}, ${when(before.at, 'plain')}).`,
    );
  deps.log.info(
    { user: who.user, command: `/lab ${command}` },
    on ? 'drift watch resumed' : 'drift watch paused',
  );
  const notice = on
    ? `▶️ Clock-drift watch resumed by ${by}.`
    : `⏸️ Clock-drift watch paused by ${by}: no checks and no alerts until \`/lab ntp watch on\`.`;
  if (deps.alertChannel) {
    await deps.chat.post(deps.alertChannel, { text: notice }).catch((err: Error) => {
      deps.log.warn({ msg: err.message }, 'could not tell the alert channel');
    });
  }
  return reply(
    on
      ? 'Resumed: the hosts are checked again from the next tick.'
      : 'Paused. `/lab ntp watch on` resumes it.',
  );
}
