import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../lab/redis.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { rawRequest, type SpawnedLabops, spawnLabops, statusOf } from './spawn-labops.js';

const HOST = 'Host: 127.0.0.1\r\nConnection: close\r\n';
const DASHBOARD = { LAB_DASHBOARD_USER: 'ops', LAB_DASHBOARD_PASSWORD: 'correct horse battery' };
const AUTH = `Authorization: Basic ${Buffer.from('ops:correct horse battery').toString('base64')}\r\n`;
/** Request lines and headers a scanner or an attacker sends; none may take labops down. */
const HOSTILE: Array<[string, string]> = [
  ['unparsable URL (the issue)', `GET //[ HTTP/1.1\r\n${HOST}\r\n`],
  ['absolute URL with a broken IPv6 host', `GET http://[::1/healthz HTTP/1.1\r\n${HOST}\r\n`],
  ['bad percent-encoding under the dashboard', `GET /admin/queues/%E0%A4%A HTTP/1.1\r\n${HOST}\r\n`],
  [
    'bad percent-encoding inside the dashboard, logged in',
    `GET /admin/queues/api/%E0%A4%A HTTP/1.1\r\n${HOST}${AUTH}\r\n`,
  ],
  ['bad percent-encoding', `GET /%ff%fe/healthz HTTP/1.1\r\n${HOST}\r\n`],
  ['asterisk form', `OPTIONS * HTTP/1.1\r\n${HOST}\r\n`],
  ['unknown method', `BREW /healthz HTTP/1.1\r\n${HOST}\r\n`],
  ['known method a route does not take', `PROPFIND /healthz HTTP/1.1\r\n${HOST}\r\n`],
  ['DELETE on /metrics', `DELETE /metrics HTTP/1.1\r\n${HOST}\r\n`],
  ['NUL in the path', `GET /\u0000 HTTP/1.1\r\n${HOST}\r\n`],
  ['64 KiB header', `GET /healthz HTTP/1.1\r\n${HOST}X-Big: ${'a'.repeat(65_536)}\r\n\r\n`],
  ['TLS hello on the plain port', '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003'],
  ['bad Content-Length', `POST /slack/events HTTP/1.1\r\n${HOST}Content-Length: -1\r\n\r\n`],
];

/**
 * Each hostile request gets a 4xx and labops keeps serving. Runs labops as a process of its own, as `npm run bot`
 * does: the Socket Mode crash this reproduces (an uncaught TypeError in Bolt's custom-route handler) ends the process.
 */
describe.each([
  ['Socket Mode', (fake: FakeSlack) => ({ SLACK_APP_TOKEN: fake.appToken })],
  ['HTTP mode', (_fake: FakeSlack) => ({ SLACK_SIGNING_SECRET: 'labops-test-signing-secret' })],
])('hostile requests on the HTTP port in %s', (_mode, modeEnv) => {
  let fake: FakeSlack;
  let labops: SpawnedLabops;

  beforeAll(async () => {
    fake = await startFakeSlack();
    labops = await spawnLabops('bot', await freePort(), {
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_API_URL: fake.apiUrl,
      LAB_QUEUE_PREFIX: `labops-hostile-${process.pid}`,
      ...DASHBOARD,
      ...modeEnv(fake),
    });
  });
  afterAll(async () => {
    await labops?.stop();
    await fake?.close();
  });

  it.each(HOSTILE)('%s: a 4xx, and labops still answers', async (_name, bytes) => {
    const status = statusOf(await rawRequest(labops.port, bytes));
    expect(status, labops.output()).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    // a crash may take a moment to land: ask twice, on fresh connections
    for (let i = 0; i < 2; i++) {
      const health = await fetch(`http://127.0.0.1:${labops.port}/healthz`).then((r) => r.status, String);
      expect(health, `labops died after this request:\n${labops.output()}`).toBe(200);
    }
    expect(labops.alive()).toBe(true);
  });
});
