import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { postSlashCommand, SLACK_IDS } from '../support/slack-request.js';
import { until } from '../support/until.js';

// The production runtime: `npm run build` (tsc to dist/), then `node dist/cli.js` as the image runs it.

interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function runDist(args: string[], env: Record<string, string>) {
  const proc: ChildProcess = spawn(process.execPath, ['dist/cli.js', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (d) => (stderr += d));
  proc.stdout?.resume();
  const exited = new Promise<Exited>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { proc, exited, stderr: () => stderr };
}

describe('node dist/cli.js (the compiled labops the image runs)', () => {
  let fake: FakeSlack | undefined;

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [
      'node_modules/typescript/bin/tsc',
      '-p',
      'tsconfig.build.json',
    ]);
  }, 240_000);
  const prefix = `labops-dist-${process.pid}`;
  afterAll(async () => {
    await fake?.close();
    const redis = new Redis(inject('redisUrl'));
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('fails fast with one clear line per bad variable, no stack trace', async () => {
    const run = runDist([], { REDIS_URL: 'nope', LAB_SLACK_TIMEOUT_MS: 'soon' });
    run.proc.stdin?.end();
    expect(await run.exited).toEqual({ code: 2, signal: null });
    expect(run.stderr()).toContain('labops cannot start, the environment has bad values:\n');
    expect(run.stderr()).toContain('  REDIS_URL: must be a URL such as redis://127.0.0.1:6379\n');
    expect(run.stderr()).toContain('  LAB_SLACK_TIMEOUT_MS: ');
    expect(run.stderr()).not.toMatch(/\n\s+at /);
  });

  it('answers Slack, draws a chart on its chart thread, and stops cleanly on SIGTERM sent to node itself', async () => {
    fake = await startFakeSlack();
    const lab = inject('lab');
    const secret = 'dist-signing-secret';
    const run = runDist([], {
      REDIS_URL: inject('redisUrl'),
      LAB_INVENTORY: lab.inventoryPath,
      LAB_KNOWN_HOSTS: lab.knownHostsPath,
      LAB_QUEUE_PREFIX: prefix,
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: secret,
      SLACK_API_URL: fake.apiUrl,
      PORT: '0',
      LOG_LEVEL: 'info',
    });
    try {
      const port = await until('the bot to listen', () => {
        const started = /"port":(\d+)[^\n]*"msg":"labops bot started"/.exec(run.stderr());
        return started ? Number(started[1]) : undefined;
      });
      const responseUrl = fake.responseUrl({ channel: SLACK_IDS.channelId, user: SLACK_IDS.userId });
      const ack = await postSlashCommand(`http://127.0.0.1:${port}/slack/events`, secret, {
        text: 'ntp graph ntp1 1',
        response_url: responseUrl,
      });
      expect(ack.status).toBe(200);
      const answer = await fake.waitFor(
        (c) => c.method === 'response_url' && c.path === new URL(responseUrl).pathname,
        30_000,
      );
      expect(String(answer.args.text)).toContain('Posted the chart of host ntp1 (last hour)');
      const png = fake.files().find((f) => f.completed)?.content;
      expect(png?.subarray(1, 4).toString()).toBe('PNG');
    } finally {
      run.proc.kill('SIGTERM');
    }
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.stderr()).toContain('"msg":"shutting down"');
  }, 60_000);
});
