import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ChatSink } from '../../../src/chat/sink.js';
import { type DeliverDeps, deliver } from '../../../src/watch/deliver.js';
import { type Announcement, type HostRecord, newRecord } from '../../../src/watch/watch-state.js';

const AT = Date.UTC(2026, 11, 7, 8, 0, 0);
const RULES = { confirmChecks: 2, flapChanges: 4, flapWindowMs: 3600_000, flapStableChecks: 10 };

const alert = (host: string): Announcement => ({
  kind: 'alert',
  host,
  incident: `inc-${host}`,
  state: 'unsynchronised',
  from: 'ok',
  since: AT,
  observation: { at: AT, state: 'unsynchronised', reason: 'all 2 sources unreachable' },
  opens: true,
  closes: false,
});
const recovery = (host: string): Announcement => ({
  ...alert(host),
  kind: 'recovery',
  state: 'ok',
  from: 'unsynchronised',
  since: AT + 60_000,
  observation: { at: AT + 60_000, state: 'ok', offsetSeconds: 0.000002, source: '10.0.0.1' },
  opens: false,
  closes: true,
  openedAt: AT,
});

/** A Slack that hands out ts 1, 2, 3… for posts, records every call, and a store that keeps the records. */
function setUp(records: HostRecord[]) {
  const calls: string[] = [];
  const posted: string[] = [];
  let n = 0;
  const chat: ChatSink = {
    post: async (_c, m) => {
      n++;
      posted.push(m.text);
      calls.push(`post ${n} ${m.text.split('\n')[0]}`);
      return { ts: String(n) };
    },
    update: async (_c, ts, m) => void calls.push(`update ${ts} ${m.text.split('\n')[0]}`),
    reply: async (_c, ts, m) => void calls.push(`reply ${ts} ${m.text.split('\n')[0]}`),
  };
  const byHost = new Map(records.map((r) => [r.host, r]));
  const deps: DeliverDeps = {
    store: {
      update: async (host, fn) => {
        const next = fn(byHost.get(host));
        if (next) byHost.set(host, next);
        return next;
      },
    },
    chat,
    files: { upload: async (_c, f) => void calls.push(`file in ${f.threadTs}: ${f.filename}`) },
    channel: 'C1',
    chart: async () => Buffer.from([1]),
    rules: RULES,
    now: () => AT,
    log: pino({ level: 'silent' }),
  };
  return { deps, calls, posted, record: (host: string) => byHost.get(host) as HostRecord };
}

const withOutbox = (
  host: string,
  outbox: Announcement[],
  threads: HostRecord['threads'] = {},
): HostRecord => ({
  ...newRecord(host, AT),
  outbox,
  threads,
});

describe('delivering drift announcements', () => {
  it('one or two hosts at once: each its own alert message, with its chart', async () => {
    const { deps, calls, record } = setUp([withOutbox('a', [alert('a')]), withOutbox('b', [alert('b')])]);
    const result = await deliver([record('a'), record('b')], deps);
    expect(result.posted).toHaveLength(2);
    expect(calls).toEqual([
      'post 1 🟠 a: not synchronised since 2026-12-07 08:00:00 UTC',
      'file in 1: a-offset-last-hour.png',
      'post 2 🟠 b: not synchronised since 2026-12-07 08:00:00 UTC',
      'file in 2: b-offset-last-hour.png',
    ]);
    expect(record('a').threads['inc-a']).toMatchObject({ ts: '1' });
    expect(record('a').outbox).toEqual([]);
  });

  it('three hosts at once (a time server down): one message naming them, each alert in its thread, one chart', async () => {
    const hosts = ['a', 'b', 'c'];
    const { deps, calls, posted, record } = setUp(hosts.map((h) => withOutbox(h, [alert(h)])));
    await deliver(hosts.map(record), deps);
    expect(posted[0]?.split('\n').slice(1)).toEqual([
      '🟠 a: not synchronised',
      '🟠 b: not synchronised',
      '🟠 c: not synchronised',
      "Each host's alert, changes and recovery are posted in this thread.",
    ]);
    expect(calls).toEqual([
      'post 1 🚨 3 hosts left a good state in the same check: a shared cause is likely (a time server, the network)',
      'file in 1: 3-hosts-offset-last-hour.png',
      'reply 1 🟠 a: not synchronised since 2026-12-07 08:00:00 UTC',
      'reply 1 🟠 b: not synchronised since 2026-12-07 08:00:00 UTC',
      'reply 1 🟠 c: not synchronised since 2026-12-07 08:00:00 UTC',
    ]);
    expect(record('b').threads['inc-b']).toMatchObject({ ts: '1', grouped: true });

    // one host recovers: its recovery goes into the shared thread, and the message about all three stays as it is
    calls.length = 0;
    await deliver([{ ...record('b'), outbox: [recovery('b')] }, record('a'), record('c')], deps);
    expect(calls).toEqual([
      'reply 1 ✅ b is back in sync since 2026-12-07 08:01:00 UTC after 1 min (was not synchronised)',
    ]);
    expect(record('b').threads).toEqual({});

    // the last two recover: the message about the three is crossed out, once
    calls.length = 0;
    await deliver(
      [record('b'), { ...record('a'), outbox: [recovery('a')] }, { ...record('c'), outbox: [recovery('c')] }],
      deps,
    );
    expect(calls).toEqual([
      'reply 1 ✅ a is back in sync since 2026-12-07 08:01:00 UTC after 1 min (was not synchronised)',
      'reply 1 ✅ c is back in sync since 2026-12-07 08:01:00 UTC after 1 min (was not synchronised)',
      'update 1 ✅ Resolved 2026-12-07 08:01:00 UTC: every host is back in sync (c last).',
    ]);
  });

  it("a host's own alert, once recovered, is crossed out as before", async () => {
    const { deps, calls, record } = setUp([
      withOutbox('a', [recovery('a')], { 'inc-a': { ts: '9', headline: '🟠 *a*: not synchronised' } }),
    ]);
    await deliver([record('a')], deps);
    expect(calls).toEqual([
      'reply 9 ✅ a is back in sync since 2026-12-07 08:01:00 UTC after 1 min (was not synchronised)',
      'update 9 ✅ Resolved 2026-12-07 08:01:00 UTC: a is back in sync.',
    ]);
  });

  it('alerts held back from an earlier check are not counted as "at once" with this one', async () => {
    const earlier = (host: string) => ({
      ...alert(host),
      observation: { ...alert(host).observation, at: AT - 60_000 },
    });
    const { deps, calls, record } = setUp([
      withOutbox('a', [earlier('a')]),
      withOutbox('b', [earlier('b')]),
      withOutbox('c', [alert('c')]),
    ]);
    await deliver(['a', 'b', 'c'].map(record), deps);
    expect(calls.filter((c) => c.startsWith('post'))).toHaveLength(3);
    expect(calls.some((c) => c.includes('🚨'))).toBe(false);
  });
});

describe('delivering while a host is silenced', () => {
  it("posts nothing for the silenced host but empties its outbox; another host's alert has its buttons", async () => {
    const { deps, calls, record } = setUp([withOutbox('a', [alert('a')]), withOutbox('b', [alert('b')])]);
    const blocks: unknown[] = [];
    const post = deps.chat.post;
    deps.chat.post = async (c, m) => {
      blocks.push(m.blocks);
      return post(c, m);
    };
    const result = await deliver([record('a'), record('b')], { ...deps, silenced: (h) => h === 'a' });
    expect(calls.filter((c) => c.includes(' a'))).toEqual([]);
    expect(calls[0]).toMatch(/^post 1 .*b/);
    expect(result.posted.map((p) => p.host)).toEqual(['b']);
    expect(record('a').outbox).toEqual([]);
    expect(JSON.stringify(blocks[0])).toContain('labops_alert_ack');
  });

  it('PagerDuty hears of a silenced recovery only for an incident whose alert was posted (and so paged)', async () => {
    const posted = { 'inc-a': { ts: '7', headline: 'a' } };
    const { deps, record } = setUp([
      withOutbox('a', [recovery('a')], posted),
      withOutbox('b', [recovery('b')]),
    ]);
    const result = await deliver([record('a'), record('b')], { ...deps, silenced: () => true });
    expect(result.dropped?.map((a) => a.host)).toEqual(['a']);
  });

  it("a silenced host's recovery closes its thread without a word, and crosses its alert out", async () => {
    const thread = { 'inc-a': { ts: '7', headline: 'a' } };
    const { deps, calls, record } = setUp([withOutbox('a', [recovery('a')], thread)]);
    await deliver([record('a')], { ...deps, silenced: () => true });
    // no post, no reply: only the alert itself now says it is over
    expect(calls).toEqual([
      expect.stringMatching(/^update 7 ✅ Resolved .*: a is back in sync while silenced\.$/),
    ]);
    expect(record('a').threads).toEqual({});
  });

  it('a silenced host of a message about several: that message is crossed out once the last of them recovers', async () => {
    const grouped = (host: string) => ({ [`inc-${host}`]: { ts: '9', headline: '3 hosts', grouped: true } });
    const { deps, calls, record } = setUp([
      withOutbox('a', [recovery('a')], grouped('a')),
      withOutbox('b', [], grouped('b')),
    ]);
    await deliver([record('a'), record('b')], { ...deps, silenced: (h) => h === 'a' });
    expect(calls).toEqual([]); // b is still bad
    record('b').outbox = [recovery('b')];
    await deliver([record('a'), record('b')], { ...deps, silenced: (h) => h === 'a' });
    expect(calls).toEqual([
      expect.stringMatching(/^reply 9 /),
      expect.stringMatching(/^update 9 ✅ Resolved .*: every host is back in sync \(b last\)\.$/),
    ]);
  });
});
