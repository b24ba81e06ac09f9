import { execFileSync } from 'node:child_process';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS_QUEUE } from '../../src/queue/jobs-queue.js';
import { freePort, type RedisHandle, startRedisServer } from '../lab/redis.js';
import { SLACK_IDS } from '../support/slack-request.js';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

const ADMIN = 'UADMIN1';
const UNREACHABLE = /^labops cannot reach its queue; nothing was started\. Try again in a minute/;

/**
 * Redis stopped while labops runs: every command gets a clear ephemeral answer within Slack's 5 s (before issue 11
 * it got none, and ioredis' offline queue sent it to Redis when it came back, to run by surprise). When Redis
 * returns, labops reconnects by itself, and only what was asked after that runs.
 */
describe('commands while Redis is down', () => {
  let port: number;
  let redis: RedisHandle;
  let labops: SlackLabops;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedisServer(port);
    labops = await startSlackLabops({ REDIS_URL: redis.url, LAB_ADMINS: ADMIN });
  });
  afterAll(async () => {
    await labops?.stop(); // not close(): that cleans the shared Redis, and this one is thrown away
    await labops?.slack.close();
    await redis?.stop();
  });

  const health = async () => (await fetch(`http://127.0.0.1:${labops.httpPort}/readyz`)).status; // readiness: Redis answers
  const summaries = (since: number) =>
    labops.slack.calls.filter(
      (c, i) =>
        i >= since &&
        c.method === 'chat.update' &&
        /^NTP status of group ntp_servers/.test(String(c.args.text)),
    );

  it('answers within 5 s that nothing was started; after Redis returns only new commands run', async () => {
    await redis.stop();
    const stoppedAt = Date.now();
    // ask() waits at most 5 s for the ephemeral answer (Slack's response_url)
    const status = await labops.ask('ntp status ntp_servers');
    const answeredMs = Date.now() - stoppedAt;
    expect(status.args.response_type).toBe('ephemeral');
    expect(status.args.text).toMatch(UNREACHABLE);
    expect((await labops.ask('ntp setup ntp_servers', ADMIN)).args.text).toMatch(UNREACHABLE);
    expect((await labops.ask('jobs')).args.text).toMatch(UNREACHABLE);
    // the message the status command had posted does not say "checking…" for ever
    const posted = labops.slack.messages(SLACK_IDS.channelId);
    expect(posted.at(-1)?.text).toMatch(/was not started: labops cannot reach its queue/);

    redis = await startRedisServer(port); // an empty Redis, as after a restart without persistence
    let up = 0;
    for (let i = 0; i < 100 && up !== 200; i++) {
      up = await health();
      if (up !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(up).toBe(200);
    // readyz answers once PING does; a loaded machine may need a moment more before the queue's scripts run in
    // time on the empty Redis: wait until a command that reads the queue is answered
    for (
      let i = 0;
      i < 40 && /cannot reach its queue|longer than usual/.test(String((await labops.ask('jobs')).args.text));
      i++
    )
      await new Promise((r) => setTimeout(r, 250));
    const since = labops.slack.calls.length;
    expect((await labops.slash('ntp status ntp_servers')).status).toBe(200);
    const fresh = await labops.slack.waitFor((c) => summaries(since).includes(c), 20_000);
    expect(fresh.args.text).toMatch(/3 in sync/);
    // nothing asked during the outage reached the queue: the fresh command is its only job
    const queue = new Queue(JOBS_QUEUE, { connection: { url: redis.url }, prefix: labops.prefix });
    const counts = await queue.getJobCounts(
      'wait',
      'active',
      'completed',
      'failed',
      'delayed',
      'prioritized',
    );
    await queue.close();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(1);
    expect(summaries(since)).toHaveLength(1);
    console.log(
      `[reliability] Redis down: ephemeral "cannot reach its queue" answer ${answeredMs} ms after the stop`,
    );
  }, 60_000);

  it('a stalled Redis (SIGSTOP): the answer still comes within 5 s, and does not promise that nothing started', async () => {
    const pid = execFileSync('pgrep', ['-f', `redis-server 127.0.0.1:${port}`], { encoding: 'utf8' }).trim();
    expect(pid).toMatch(/^\d+$/);
    process.kill(Number(pid), 'SIGSTOP');
    try {
      const stoppedAt = Date.now();
      const status = await labops.ask('ntp status ntp_servers');
      const answeredMs = Date.now() - stoppedAt;
      expect(status.args.text).toMatch(
        /^labops' queue did not answer within 3 s|^labops is taking longer than usual|^labops cannot reach its queue/,
      );
      console.log(`[reliability] Redis stalled (SIGSTOP): ephemeral answer ${answeredMs} ms after the stop`);
    } finally {
      process.kill(Number(pid), 'SIGCONT');
    }
  }, 30_000);
});
