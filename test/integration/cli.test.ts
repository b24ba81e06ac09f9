import { spawn } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm start` the way an operator does: a real process, stdin piped in. */
function npmStart(env: Record<string, string>, input: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn('node_modules/.bin/tsx', ['src/cli.ts'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('npm start', () => {
  it('runs the console adapter without a Slack token and exits when the input and its jobs are done', async () => {
    const lab = inject('lab');
    const run = await npmStart(
      {
        REDIS_URL: inject('redisUrl'),
        LAB_INVENTORY: lab.inventoryPath,
        LAB_KNOWN_HOSTS: lab.knownHostsPath,
        LAB_QUEUE_PREFIX: `labops-cli-${process.pid}`,
      },
      '/lab help\n/lab ntp status ntp_servers\nhello\n/lab ntp status client-nochrony\n/lab ntp status nowhere\n',
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('/lab ntp status [all|<group>|<host>]');
    expect(run.stdout).toMatch(/NTP status of group ntp_servers: 3 in sync/);
    expect(run.stdout).toContain('Type a /lab command, for example: /lab help');
    expect(run.stdout).toMatch(/❌ client-nochrony: chronyc missing/);
    expect(run.stdout).toMatch(/Unknown target `nowhere`/);
    expect(run.stderr).toBe(''); // no log noise on the terminal in console mode
  });

  it('fails fast with one clear line per bad variable', async () => {
    const run = await npmStart({ PORT: 'http', SLACK_BOT_TOKEN: 'xoxp-user-token', LAB_ADMINS: 'alice' }, '');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('labops cannot start, the environment has bad values:');
    expect(run.stderr).toContain('PORT: ');
    expect(run.stderr).toContain('SLACK_BOT_TOKEN: must be a bot token starting with xoxb-');
    expect(run.stderr).toContain('LAB_ADMINS.0: must be a Slack user id');
    expect(run.stderr).not.toContain('xoxp-user-token');
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('says which inventory it cannot read', async () => {
    const missing = await npmStart({ LAB_INVENTORY: '/nonexistent/inventory.yml' }, '');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read the inventory \/nonexistent\/inventory\.yml \(ENOENT\)/);
  });

  it('says when Redis does not answer', async () => {
    const lab = inject('lab');
    const run = await npmStart({ REDIS_URL: 'redis://127.0.0.1:1', LAB_INVENTORY: lab.inventoryPath }, '');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
  });
});
