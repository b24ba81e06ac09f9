import type { TextStyle } from '../chat/mrkdwn.js';
import { when } from './render-time.js';
import type { Silence } from './silence.js';

/** "Silenced by <@U> until 2026-… (reason: maintenance)": one silence, as `/lab ntp alerts` and threads show it. */
export function renderSilence(s: Silence, mention: (user: string) => string, style: TextStyle): string {
  const until = s.until === undefined ? 'until back in sync' : `until ${when(s.until, style)}`;
  const why = s.reason ? ` (reason: ${s.reason.replace(/[<>&`*_~]/g, ' ')})` : '';
  return `${s.scope} silenced by ${mention(s.by)} ${until}${why}`;
}
