// /lab doctor in Slack: an admin gets the doctor's summary in the channel and its table in the thread (signed
// requests to labops, a fake Slack Web API, the shared lab); anyone else is refused and nothing is checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLACK_IDS } from '../support/slack-request.js';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

let labops: SlackLabops;
const ADMIN = 'U0000ADMIN';

beforeAll(async () => {
  labops = await startSlackLabops({ LAB_ADMINS: ADMIN });
}, 60_000);
afterAll(() => labops?.close());

/** The ephemeral answer to this command: the next response_url POST (the doctor may take seconds). */
const answer = async (text: string, user: string) => {
  const isAnswer = (c: { method: string }) => c.method === 'response_url';
  const before = labops.slack.calls.filter(isAnswer).length;
  const ack = await labops.slash(text, { user });
  expect(ack.status).toBe(200);
  return (await labops.slack.waitForCount(isAnswer, before + 1, 30_000)).at(-1) as {
    args: { text?: unknown };
  };
};

describe('/lab doctor', () => {
  it('answers an admin with the summary in the channel and the table, one fix per problem, in its thread', async () => {
    const reply = await answer('doctor', ADMIN);
    expect(reply.args.text).toMatch(
      /^Doctor: \d+ checks: \d+ problems block labops.*The table is in the thread\.$/,
    );
    const messages = labops.slack.messages(SLACK_IDS.channelId);
    const top = messages.find((m) => m.text?.includes('`/lab doctor`'));
    expect(top?.text).toMatch(/^❌ `\/lab doctor`: \d+ checks: \d+ problems block labops/);
    const thread = messages.find((m) => m.thread_ts === top?.ts && m.ts !== top?.ts);
    const table = JSON.stringify(thread?.blocks);
    expect(thread?.text).toMatch(/❌ client-badkey +host key +.*differs/);
    expect(thread?.text).toMatch(/❌ client-off +TCP +connection refused/);
    expect(thread?.text).toMatch(/✅ client-sync +5 checks +known_hosts, TCP, host key, login, chronyc/);
    expect(thread?.text).toMatch(/✅ slack +token +bot labops/);
    expect(table).toContain('```'); // a code block in Slack
  }, 60_000);

  it('refuses anyone but an admin, and checks nothing', async () => {
    const before = labops.slack.messages(SLACK_IDS.channelId).length;
    const reply = await answer('doctor', SLACK_IDS.userId);
    expect(reply.args.text).toMatch(/Only lab admins may run `\/lab doctor`/);
    expect(labops.slack.messages(SLACK_IDS.channelId)).toHaveLength(before);
  }, 60_000);
});
