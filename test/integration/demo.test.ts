// README's first command, `npm run demo`, as an operator uses it: the script (scripts/demo.ts) with a terminal's
// input, typed when the previous answer is there. On a lab of its own, so a demo someone runs is left alone.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { waitUntil } from '../lab/wait.js';

const dir = join(tmpdir(), 'labops-demo-test-lab');
// another run beside this one (a helper's worktree) takes its own net
const net = process.env.LABOPS_DEMO_TEST_NET ?? '127.0.17';

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run demo', () => {
  it('checks the clocks, deploys OpenStack on the controller, sets up and lists its networks, then stops', async () => {
    const child = spawn('node_modules/.bin/tsx', ['scripts/demo.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/root',
        REDIS_URL: inject('redisUrl'),
        LAB_QUEUE_PREFIX: `labops-demo-test-${process.pid}`,
        LABOPS_DEMO_DIR: dir,
        LABOPS_DEMO_NET: net,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    const count = (text: string) => out.split(text).length - 1;
    /** Waits for the n-th appearance of text in the output (what an operator waits for before typing). */
    const shown = (text: string, n = 1) =>
      waitUntil(`demo output "${text}"`, async () => count(text) >= n, {
        timeoutMs: 60_000,
        failed: () => (child.exitCode !== null ? `the demo exited early:\n${out.slice(-2000)}` : undefined),
      });
    try {
      await shown('Raw chronyc sources tables are in the thread.');
      expect(out).toMatch(/NTP status of all hosts: .*1 drifting/);

      child.stdin.write('/lab deploy openstack\n');
      await shown('Apply this plan?');
      child.stdin.write('yes\n');
      await shown('Deploy OpenStack on controller: done');
      expect(out).toMatch(
        new RegExp(
          `✅ 5\\. Verify: \\d+ checks pass; Horizon http://${net.replaceAll('.', '\\.')}\\.\\d+/dashboard`,
        ),
      );

      child.stdin.write('/lab network setup\n');
      await shown('Apply this plan?', 2);
      child.stdin.write('yes\n');
      await shown('Network setup on controller: done (7 created)');

      child.stdin.write('/lab network list\n');
      await shown('Networks on controller: 2 networks (1 external), 2 subnets, 1 router');
      child.stdin.end();
      expect(await exited).toBe(0);
      expect(out).toContain('Demo over: the lab and everything it started are stopped.');
      expect(out).not.toContain('demo-admin-pw'); // the demo's admin password, set in its environment only
    } finally {
      if (child.exitCode === null) child.kill('SIGINT');
    }
  }, 180_000);
});
