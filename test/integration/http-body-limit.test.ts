import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../lab/redis.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { postSlackRequest, postSlashCommand, slashCommandBody } from '../support/slack-request.js';
import { postHugeBody, type SpawnedLabops, spawnLabops } from './spawn-labops.js';

const SECRET = 'labops-test-signing-secret';
const MiB = 1024 * 1024;

/**
 * HTTP mode: bodies over 1 MiB are refused with 413 before they are read, so a flood of big unsigned posts cannot
 * grow the process. On the previous code each was read whole before its signature was checked (401), and three
 * 64 MiB posts took the process from 269 to 565 MiB.
 */
describe('request bodies in HTTP mode', () => {
  let fake: FakeSlack;
  let labops: SpawnedLabops;
  let events: string;

  beforeAll(async () => {
    fake = await startFakeSlack();
    labops = await spawnLabops('bot', await freePort(), {
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_API_URL: fake.apiUrl,
      SLACK_SIGNING_SECRET: SECRET,
      LAB_QUEUE_PREFIX: `labops-bodies-${process.pid}`,
    });
    events = `http://127.0.0.1:${labops.port}/slack/events`;
  });
  afterAll(async () => {
    await labops?.stop();
    await fake?.close();
  });

  it('answers 413 to concurrent 64 MiB posts (declared and chunked) and the process stays small', async () => {
    // warm up: one real command, so the baseline includes what answering costs
    expect(
      (await postSlashCommand(events, SECRET, { text: 'help', response_url: fake.responseUrl() })).status,
    ).toBe(200);
    const before = labops.rss();
    const posts = await Promise.all([
      ...[1, 2, 3].map(() => postHugeBody(labops.port, 64 * MiB, false)),
      ...[1, 2, 3].map(() => postHugeBody(labops.port, 64 * MiB, true)),
    ]);
    const after = labops.rss();
    const grew = after.peak - before.peak;
    console.log(
      `[reliability] 3 declared + 3 chunked 64 MiB posts: statuses ${posts.map((p) => p.status).join(',')}; ` +
        `RSS ${before.now.toFixed(0)} -> ${after.now.toFixed(0)} MiB, peak ${before.peak.toFixed(0)} -> ${after.peak.toFixed(0)} MiB (+${grew.toFixed(0)}); ` +
        `client wrote ${posts.map((p) => (p.written / MiB).toFixed(0)).join(',')} MiB before the answer`,
    );
    expect(posts.map((p) => p.status)).toEqual([413, 413, 413, 413, 413, 413]);
    expect(grew).toBeLessThan(100); // generous: the previous code grew by about 300 MiB on three of these
    expect(labops.alive()).toBe(true);
  }, 120_000);

  it('refuses a signed body just over 1 MiB, and still verifies signatures on smaller ones', async () => {
    const over = `${slashCommandBody({ text: 'help' })}&pad=${'a'.repeat(MiB)}`;
    expect((await postSlackRequest(events, SECRET, over)).status).toBe(413);
    const body = slashCommandBody({ text: 'help', response_url: fake.responseUrl() });
    expect((await postSlackRequest(events, SECRET, body)).status).toBe(200);
    expect((await postSlackRequest(events, SECRET, body, { badSignature: true })).status).toBe(401);
    expect((await postSlackRequest(events, SECRET, body, { unsigned: true })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 10 * 60;
    expect((await postSlackRequest(events, SECRET, body, { timestamp: stale })).status).toBe(401);
  });
});
