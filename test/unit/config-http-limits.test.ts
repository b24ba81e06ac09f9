import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const http = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-123' };
const socket = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' };

describe('LAB_HTTP_HOST', () => {
  it('defaults to every interface in HTTP mode (Slack must reach it), loopback in Socket Mode and console mode', () => {
    expect(loadConfig(http).httpHost).toBe('0.0.0.0');
    expect(loadConfig(socket).httpHost).toBe('127.0.0.1');
    expect(loadConfig({}).httpHost).toBe('127.0.0.1');
  });

  it('is the address set, and a bad one stops start-up with its name', () => {
    expect(loadConfig({ ...socket, LAB_HTTP_HOST: '0.0.0.0' }).httpHost).toBe('0.0.0.0');
    expect(loadConfig({ ...http, LAB_HTTP_HOST: '::1' }).httpHost).toBe('::1');
    expect(() => loadConfig({ LAB_HTTP_HOST: '0.0.0.0; rm -rf /' })).toThrow(ConfigError);
    expect(() => loadConfig({ LAB_HTTP_HOST: 'a b' })).toThrow(
      /LAB_HTTP_HOST: must be an address to listen on/,
    );
  });
});

describe('LAB_RATE_PER_MIN and LAB_MAX_WAITING_JOBS', () => {
  it('default to 20 commands a minute per user and 100 waiting jobs; 0 turns a limit off', () => {
    expect(loadConfig({}).limits).toEqual({ commandsPerMinute: 20, maxWaitingJobs: 100 });
    expect(loadConfig({ LAB_RATE_PER_MIN: '0', LAB_MAX_WAITING_JOBS: '5' }).limits).toEqual({
      commandsPerMinute: 0,
      maxWaitingJobs: 5,
    });
    expect(() => loadConfig({ LAB_RATE_PER_MIN: '-1' })).toThrow(/LAB_RATE_PER_MIN: must be at least 0/);
    expect(() => loadConfig({ LAB_MAX_WAITING_JOBS: 'lots' })).toThrow(/LAB_MAX_WAITING_JOBS/);
  });
});
