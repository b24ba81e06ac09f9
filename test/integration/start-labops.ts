import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { expect, inject } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { type Labops, type LabopsIo, type Role, startLabops } from '../../src/main.js';
import { JOBS_QUEUE } from '../../src/queue/jobs-queue.js';
import { type FakeSlack, type RecordedCall, startFakeSlack } from '../support/fake-slack.js';
import {
  postSlashCommand,
  SLACK_IDS,
  type SlackPostOptions,
  type SlackPostResult,
} from '../support/slack-request.js';

export interface TestLabops extends Labops {
  prefix: string;
  output: () => string;
  stdin: PassThrough;
  /** Stops labops and removes everything its queue left in Redis. */
  close(): Promise<void>;
}

/**
 * Runs the real composition root in this process against the shared lab and Redis, with a queue prefix of its own.
 * env adds or overrides variables (e.g. the Slack ones).
 */
export async function startTestLabops(
  env: Record<string, string>,
  role: Role = 'all',
  io: Pick<LabopsIo, 'log' | 'lab'> = {},
): Promise<TestLabops> {
  const lab = inject('lab');
  const redisUrl = inject('redisUrl');
  const prefix = `labops-test-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({
    REDIS_URL: redisUrl,
    LAB_INVENTORY: lab.inventoryPath,
    LAB_KNOWN_HOSTS: lab.knownHostsPath,
    LAB_QUEUE_PREFIX: prefix,
    LAB_SSH_CONNECT_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...env,
  });
  let out = '';
  const stdin = new PassThrough();
  const labops = await startLabops(config, role, {
    stdin,
    stdout: { write: (t: string) => (out += t) },
    ...io,
  });
  return {
    ...labops,
    prefix,
    stdin,
    output: () => out,
    async close() {
      await labops.stop();
      const queue = new Queue(JOBS_QUEUE, { connection: { url: redisUrl }, prefix });
      await queue.obliterate({ force: true });
      await queue.close();
      // audit stream, plans, locks, watch state...: everything else under the prefix
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
}

/** Who sends a slash command, and how it is signed and sent. */
export interface SlashOptions extends SlackPostOptions {
  /** The user typing it. Default SLACK_IDS.userId. */
  user?: string;
}

/** labops answering a fake Slack over signed HTTP, as {@link startSlackLabops} starts it. */
export interface SlackLabops extends TestLabops {
  slack: FakeSlack;
  /** The Slack variables labops got (bot token, signing secret, API URL): another labops on the same fake needs them. */
  slackEnv: Record<string, string>;
  /** Where Slack posts commands, interactions and events: `http://127.0.0.1:<port>/slack/events`. */
  events: string;
  /** The signing secret labops checks requests against. */
  secret: string;
  /** Sends `/lab <text>` in SLACK_IDS.channelId, signed, with a response_url on the fake; resolves with labops' ack. */
  slash(text: string, opts?: SlashOptions): Promise<SlackPostResult>;
  /** Sends `/lab <text>` as `user`, expects the ack, and resolves with the ephemeral answer (its response_url POST, within 5 s). */
  ask(text: string, user?: string): Promise<RecordedCall>;
  /** Stops labops, removes what its queue left in Redis, and closes the fake Slack. */
  close(): Promise<void>;
}

/**
 * A fake Slack and labops in HTTP mode talking to it ({@link startTestLabops}). env adds or overrides variables other
 * than the Slack ones (e.g. LAB_ADMINS, or a lab of the test's own).
 */
export async function startSlackLabops(
  env: Record<string, string> = {},
  role: Role = 'all',
  io: Pick<LabopsIo, 'log'> = {},
): Promise<SlackLabops> {
  const slack = await startFakeSlack();
  const secret = 'labops-test-signing-secret';
  const slackEnv = {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: slack.apiUrl,
  };
  let labops: TestLabops;
  try {
    labops = await startTestLabops({ ...slackEnv, ...env }, role, io);
  } catch (err) {
    await slack.close();
    throw err;
  }
  const events = `http://127.0.0.1:${labops.httpPort}/slack/events`;
  const send = async (text: string, { user = SLACK_IDS.userId, ...post }: SlashOptions = {}) => {
    const responseUrl = slack.responseUrl({ channel: SLACK_IDS.channelId, user });
    const fields = { text, user_id: user, response_url: responseUrl };
    return { ack: await postSlashCommand(events, secret, fields, post), responseUrl };
  };
  return {
    ...labops,
    slack,
    slackEnv,
    events,
    secret,
    slash: async (text, opts) => (await send(text, opts)).ack,
    async ask(text, user) {
      const { ack, responseUrl } = await send(text, { user });
      expect(ack.status).toBe(200);
      const path = new URL(responseUrl).pathname;
      return slack.waitFor((c) => c.method === 'response_url' && c.path === path, 5000);
    },
    async close() {
      await labops.close();
      await slack.close();
    },
  };
}

/**
 * `labops worker` as a process of its own (node with tsx's loader: one process, so a SIGKILL hits the worker itself),
 * on the shared lab and Redis unless env says otherwise; its stdout and stderr are kept.
 */
export function spawnWorker(env: Record<string, string>): { proc: ChildProcess; output(): string } {
  const lab = inject('lab');
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'worker'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      REDIS_URL: inject('redisUrl'),
      LAB_INVENTORY: lab.inventoryPath,
      LAB_KNOWN_HOSTS: lab.knownHostsPath,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout?.on('data', (d) => (output += d));
  proc.stderr?.on('data', (d) => (output += d));
  return { proc, output: () => output };
}
