import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('runs the console adapter with defaults when no Slack token is set', () => {
    const c = loadConfig({});
    expect(c.slack).toEqual({ mode: 'console' });
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.port).toBe(3000);
    expect(c.inventoryPath).toBe('./inventory.yml');
    expect(c.knownHostsPath).toMatch(/\.ssh\/known_hosts$/);
    expect(c.drift).toEqual({ warnMs: 50, critMs: 500 });
    expect(c.ssh.connectTimeoutMs).toBe(10_000);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('picks HTTP mode with a bot token and signing secret, Socket Mode with an app token', () => {
    const http = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'secret-123',
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
    });
    expect(http.slack).toMatchObject({ mode: 'http', botToken: 'xoxb-1', apiUrl: 'http://127.0.0.1:9/api/' });
    const socket = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
    expect(socket.slack).toMatchObject({ mode: 'socket', appToken: 'xapp-1' });
  });

  it('bounds every Slack call: a 10 s timeout and 2 retries by default, each from its variable', () => {
    const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' };
    expect(loadConfig(slack).slack).toMatchObject({ calls: { timeoutMs: 10_000, retries: 2 } });
    expect(
      loadConfig({ ...slack, LAB_SLACK_TIMEOUT_MS: '2500', LAB_SLACK_RETRIES: '0' }).slack,
    ).toMatchObject({ calls: { timeoutMs: 2500, retries: 0 } });
    expect(() => loadConfig({ ...slack, LAB_SLACK_TIMEOUT_MS: '0', LAB_SLACK_RETRIES: '11' })).toThrow(
      /LAB_SLACK_TIMEOUT_MS: must be at least 100\n {2}LAB_SLACK_RETRIES: must be at most 10/,
    );
  });

  it('the drift watch at scale: hosts per shard and days of history, validated', () => {
    expect(loadConfig({ LAB_DRIFT_SHARD_SIZE: '250', LAB_DRIFT_HISTORY_DAYS: '2' }).watch).toMatchObject({
      shardSize: 250,
      historyMs: 2 * 24 * 3_600_000,
    });
    expect(() => loadConfig({ LAB_DRIFT_SHARD_SIZE: '0' })).toThrow(
      /LAB_DRIFT_SHARD_SIZE: must be at least 1/,
    );
    expect(() => loadConfig({ LAB_DRIFT_SHARD_SIZE: 'many' })).toThrow(/LAB_DRIFT_SHARD_SIZE/);
    expect(() => loadConfig({ LAB_DRIFT_SHARD_SIZE: '2.5' })).toThrow(
      /LAB_DRIFT_SHARD_SIZE: must be a whole number/,
    );
    expect(() => loadConfig({ LAB_DRIFT_HISTORY_DAYS: '0' })).toThrow(
      /LAB_DRIFT_HISTORY_DAYS: must be at least 1/,
    );
    expect(() => loadConfig({ LAB_DRIFT_HISTORY_DAYS: '365' })).toThrow(
      /LAB_DRIFT_HISTORY_DAYS: must be at most 90/,
    );
  });

  it('a large ntp status shared by the workers: over 500 hosts in 8 shards by default, 0 turns it off', () => {
    expect(loadConfig({}).ntpShards).toEqual({ above: 500, shards: 8 });
    expect(loadConfig({ LAB_NTP_SHARD_ABOVE: '0', LAB_NTP_SHARDS: '16' }).ntpShards).toEqual({
      above: 0,
      shards: 16,
    });
    expect(() => loadConfig({ LAB_NTP_SHARD_ABOVE: '-1' })).toThrow(
      /LAB_NTP_SHARD_ABOVE: must be at least 0/,
    );
    expect(() => loadConfig({ LAB_NTP_SHARDS: '0' })).toThrow(/LAB_NTP_SHARDS: must be at least 1/);
    expect(() => loadConfig({ LAB_NTP_SHARDS: '1000' })).toThrow(/LAB_NTP_SHARDS: must be at most 256/);
  });

  it('the clock-drift watch rules: defaults, and each from its variable', () => {
    expect(loadConfig({}).watch).toEqual({
      intervalSeconds: 60,
      confirmChecks: 2,
      flapChanges: 4,
      flapWindowMs: 3_600_000,
      flapStableChecks: 10,
      remindMs: 3_600_000,
      shardSize: 100,
      historyMs: 7 * 24 * 3_600_000,
    });
    expect(loadConfig({ LAB_DRIFT_REMIND_MINUTES: '0' }).watch.remindMs).toBe(0);
    expect(loadConfig({ LAB_DRIFT_REMIND_MINUTES: '0.05' }).watch.remindMs).toBe(3000);
    expect(() => loadConfig({ LAB_DRIFT_REMIND_MINUTES: '-1' })).toThrow(/LAB_DRIFT_REMIND_MINUTES/);
    const c = loadConfig({
      LAB_DRIFT_CONFIRM: '3',
      LAB_DRIFT_FLAP_CHANGES: '6',
      LAB_DRIFT_FLAP_WINDOW_MINUTES: '30',
      LAB_DRIFT_FLAP_STABLE: '5',
    });
    expect(c.watch).toMatchObject({
      confirmChecks: 3,
      flapChanges: 6,
      flapWindowMs: 1_800_000,
      flapStableChecks: 5,
    });
    expect(() => loadConfig({ LAB_DRIFT_FLAP_CHANGES: '0' })).toThrow(/LAB_DRIFT_FLAP_CHANGES/);
  });

  it('the Ceph watch interval: 60 s, or LAB_CEPH_INTERVAL', () => {
    expect(loadConfig({}).ceph).toEqual({ intervalSeconds: 60 });
    expect(loadConfig({ LAB_CEPH_INTERVAL: '15' }).ceph).toEqual({ intervalSeconds: 15 });
    expect(() => loadConfig({ LAB_CEPH_INTERVAL: '0' })).toThrow(/LAB_CEPH_INTERVAL/);
  });

  it('host locks and the job start deadline: a minute and ten minutes, each from its variable', () => {
    expect(loadConfig({})).toMatchObject({ hostLockMs: 60_000, jobMaxWaitMs: 600_000 });
    expect(loadConfig({ LAB_HOST_LOCK_MS: '1500', LAB_JOB_MAX_WAIT_MS: '5000' })).toMatchObject({
      hostLockMs: 1500,
      jobMaxWaitMs: 5000,
    });
    expect(() => loadConfig({ LAB_HOST_LOCK_MS: '10' })).toThrow(/LAB_HOST_LOCK_MS: must be at least 300/);
  });

  it('parses the admin list', () => {
    expect(loadConfig({ LAB_ADMINS: 'U123, W456 ,' }).admins).toEqual(['U123', 'W456']);
  });

  it('fails with one clear line per bad value', () => {
    const env = {
      REDIS_URL: 'http://x',
      PORT: 'eighty',
      SLACK_BOT_TOKEN: 'abc',
      LAB_ADMINS: 'bob',
      LAB_DRIFT_WARN_MS: '600',
    };
    let message = '';
    try {
      loadConfig(env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('REDIS_URL: must start with redis://');
    expect(message).toContain('PORT: ');
    expect(message).toContain('SLACK_BOT_TOKEN: must be a bot token starting with xoxb-');
    expect(message).toContain('LAB_ADMINS.0: must be a Slack user id');
    expect(message).not.toContain('abc'); // never echo a token value back
  });

  it('requires a signing secret in HTTP mode', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(
      /SLACK_SIGNING_SECRET: is required in HTTP mode/,
    );
  });

  it('requires the bot token when only an app token is given', () => {
    expect(() => loadConfig({ SLACK_APP_TOKEN: 'xapp-1' })).toThrow(/SLACK_BOT_TOKEN: is required/);
  });

  it('the status loop: on by default, LAB_SSH_STATUS_LOOP=off turns it off, anything else is refused', () => {
    expect(loadConfig({}).ssh.loops).toBe(true);
    expect(loadConfig({ LAB_SSH_STATUS_LOOP: 'off' }).ssh.loops).toBe(false);
    expect(() => loadConfig({ LAB_SSH_STATUS_LOOP: 'no' })).toThrow(/LAB_SSH_STATUS_LOOP.*on or off/);
  });
});
