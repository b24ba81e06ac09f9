import type { FakeSlack } from './fake-slack.js';
import { postSlashCommand, SLACK_IDS } from './slack-request.js';

/**
 * Sends `/lab <text>` as `user` to labops' /slack/events (signed with `secret`) in SLACK_IDS.channelId and resolves
 * with the text of the next response_url answer the fake Slack receives (within 10 s).
 */
export async function askEphemeral(
  to: { fake: FakeSlack; events: string; secret: string },
  text: string,
  user: string = SLACK_IDS.userId,
): Promise<string> {
  const before = to.fake.callsTo('response_url').length;
  await postSlashCommand(to.events, to.secret, {
    text,
    user_id: user,
    response_url: to.fake.responseUrl({ channel: SLACK_IDS.channelId, user }),
  });
  const calls = await to.fake.waitForCount('response_url', before + 1, 10_000);
  return String(calls[before]?.args.text ?? '');
}
