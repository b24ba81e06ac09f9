// The console adapter as an operator sees it: `npm start` without a Slack token, on a terminal (a pseudo-terminal
// from util-linux `script`, read back through a small terminal emulator) and on a pipe (a transcript).
import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { waitUntil } from '../lab/wait.js';
import { screenOf } from '../support/terminal-screen.js';

function env(): Record<string, string> {
  const lab = inject('lab');
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    TERM: 'xterm',
    REDIS_URL: inject('redisUrl'),
    LAB_INVENTORY: lab.inventoryPath,
    LAB_KNOWN_HOSTS: lab.knownHostsPath,
    LAB_QUEUE_PREFIX: `labops-console-${process.pid}`,
    LAB_LOG_FILE: `/tmp/labops-console-output-test-${process.pid}.log`,
  };
}

function run(command: string, args: string[]) {
  const child: ChildProcess = spawn(command, args, { env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (d) => (out.stdout += d));
  child.stderr?.on('data', (d) => (out.stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  const shown = (what: string, test: () => boolean) =>
    waitUntil(what, async () => test(), {
      timeoutMs: 30_000,
      failed: () => (child.exitCode !== null ? `exited early:\n${out.stdout}\n${out.stderr}` : undefined),
    });
  return { child, out, exited, shown };
}

const PROGRESS = /checking 3 hosts/;

// what the runs left in the shared Redis under their prefix (jobs, audit)
afterAll(async () => {
  const redis = new Redis(inject('redisUrl'));
  const keys = await redis.keys(`labops-console-${process.pid}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe('the console on a terminal', () => {
  it('redraws running answers in place and leaves each command with its final answer and thread once', async () => {
    const npm = run('script', [
      '-qfec',
      'stty cols 120 rows 40; exec node_modules/.bin/tsx src/cli.ts',
      '/dev/null',
    ]);
    try {
      await npm.shown('the prompt', () => npm.out.stdout.includes('lab> '));
      // typed one after the other, without waiting: the second answers while the first still runs
      npm.child.stdin?.write('/lab ntp status ntp_servers\r/lab help\r');
      await npm.shown('the NTP answer', () =>
        screenOf(npm.out.stdout).some((l) => l.startsWith('Checked 3 hosts')),
      );
      npm.child.stdin?.end('\x04'); // Ctrl-D
      expect(await npm.exited).toBe(0);
    } finally {
      if (npm.child.exitCode === null) npm.child.kill();
    }
    const screen = screenOf(npm.out.stdout);
    const at = screen.indexOf('lab> /lab ntp status ntp_servers');
    expect(screen[at + 1]).toBe('NTP status of group ntp_servers: 3 in sync');
    expect(screen.filter((l) => l.startsWith('NTP status of group ntp_servers'))).toHaveLength(1);
    expect(screen).toContain('  │ ntp1'); // the thread, indented under its message
    expect(screen.indexOf('  │ ntp1')).toBeGreaterThan(at);
    expect(screen).toContain('lab> /lab help');
    expect(screen.some((l) => PROGRESS.test(l))).toBe(false); // the progress was drawn over, not left behind
    expect(npm.out.stdout).toContain('\x1b[J');
    expect(npm.out.stdout).not.toContain('{"level"');
  });
});

describe('the demo on a terminal, Ctrl-C', () => {
  it('stops it as SIGINT does (readline reads Ctrl-C as a key in raw mode; it is handed on as the signal)', async () => {
    const demo = run('script', [
      '-qfec',
      'stty cols 120 rows 40; LABOPS_DEMO_NET=127.0.159 LABOPS_DEMO_DIR=/tmp/labops-console-output-demo exec node_modules/.bin/tsx scripts/demo.ts',
      '/dev/null',
    ]);
    try {
      await demo.shown('the NTP answer', () =>
        demo.out.stdout.includes('Raw chronyc sources tables are in the thread.'),
      );
      demo.child.stdin?.write('\x03');
      // the demo's SIGINT handler stops the lab and exits 130; a mere end of input would exit 0
      expect(await demo.exited).toBe(130);
    } finally {
      if (demo.child.exitCode === null) demo.child.kill('SIGINT');
    }
  }, 60_000);
});

describe('the console on a pipe', () => {
  it('prints each answer once in its final form, thread under it, labelled with its command', async () => {
    const npm = run('node_modules/.bin/tsx', ['src/cli.ts']);
    npm.child.stdin?.end('/lab ntp status ntp_servers\n/lab help\n/lab ntp status client-nochrony\n');
    expect(await npm.exited).toBe(0);
    const out = npm.out.stdout;
    expect(out).toMatch(
      /lab> \/lab ntp status ntp_servers\nNTP status of group ntp_servers: 3 in sync\n(✅ .*\n){3}Checked 3 hosts in .*\n {2}│ ntp-fast\n/,
    );
    expect(out).toMatch(
      /lab> \/lab ntp status client-nochrony\nNTP status of host client-nochrony: 1 error\n❌/,
    );
    expect(out).toMatch(/lab> \/lab help\n\*labops\* runs lab chores/);
    expect(out.match(/NTP status of group ntp_servers/g)).toHaveLength(1);
    expect(out).not.toMatch(PROGRESS);
    expect(npm.out.stderr).toBe('');
  });
});
