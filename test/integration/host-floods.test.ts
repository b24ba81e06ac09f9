// A lab host that prints far more than any tool should: 50 MB from chronyc, a packstack that prints a 1 MB line.
// labops keeps a bounded part, says so in its reply, and stays small and quick.
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.js';
import { createExecStream } from '../../src/ssh/exec-stream.js';
import { SshPool } from '../../src/ssh/ssh-pool.js';
import { runPackstack } from '../../src/tasks/deploy/install-stage.js';
import { type Lab, startLab } from '../lab/index.js';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

const MB = 1024 * 1024;
let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ dir: join(tmpdir(), 'labops-host-floods-lab'), net: '127.0.121' });
  // client-drift's chronyc prints 50 MB of junk before its real report
  const chronyc = join(lab.dir, 'hosts', 'client-drift', 'bin', 'chronyc');
  const wrapper = readFileSync(chronyc, 'utf8');
  writeFileSync(chronyc, wrapper.replace('exec ', "head -c 52428800 /dev/zero | tr '\\0' x; echo\nexec "));
  // client-sync's packstack prints a 1 MB line of spaces between its steps
  writeFileSync(
    join(lab.dir, 'hosts', 'client-sync', 'bin', 'packstack'),
    [
      '#!/bin/sh',
      "echo 'Clean Up                                             [ DONE ]'",
      `head -c ${MB} /dev/zero | tr '\\0' ' '; echo x`,
      "echo 'Applying 10.0.0.100_controller.pp'",
      "echo '10.0.0.100_controller.pp:                            [ DONE ]'",
      "echo ' **** Installation completed successfully ******'",
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
});
afterAll(async () => lab?.stop());

const host = async (name: string) => {
  const h = (await loadInventory(lab.inventoryPath, { user: 'root' })).hosts.get(name);
  if (!h) throw new Error(`no ${name}`);
  return h;
};

describe('a host that floods labops with output', () => {
  let labops: SlackLabops;
  beforeAll(async () => {
    labops = await startSlackLabops({
      LAB_INVENTORY: lab.inventoryPath,
      LAB_KNOWN_HOSTS: lab.knownHostsPath,
    });
  });
  afterAll(async () => labops?.close());

  it('/lab ntp status of a host printing 50 MB: read from what was kept, the reply says the output was cut', async () => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    try {
      await labops.slash('ntp status client-drift');
      const summary = await labops.slack.waitFor(
        (c) => c.method === 'chat.update' && /^NTP status of host client-drift/.test(String(c.args.text)),
        60_000,
      );
      const text = String(summary.args.text);
      expect(text).toMatch(/client-drift: drifting/); // its real report came after the junk, within the kept tail
      expect(text).toMatch(
        /\(chronyc printed more than labops reads: output cut at 1 MiB \(4\d MiB left out\); look at its output on the host\)/,
      );
      // nothing of the flood went to Slack, in a message or a file
      expect(JSON.stringify(labops.slack.calls).length).toBeLessThan(MB);
      expect(labops.slack.files()).toHaveLength(0);
    } finally {
      clearInterval(sampler);
      const growth = (peak - before) / MB;
      console.log(
        `[reliability] /lab ntp status of a host printing 50 MB: bot+worker RSS +${growth.toFixed(0)} MiB at peak`,
      );
    }
    expect((peak - before) / MB).toBeLessThan(80); // 113 MiB before the cap
  }, 90_000);
});

describe('a packstack that prints a 1 MB line', () => {
  it('is read as it streams: the steps around the line, success, in well under the test timeout', async () => {
    const execStream = createExecStream({ knownHostsPath: lab.knownHostsPath, connectTimeoutMs: 5000 });
    const ssh = new SshPool({
      knownHostsPath: lab.knownHostsPath,
      connectTimeoutMs: 5000,
      commandTimeoutMs: 30_000,
      idleMs: 60_000,
      concurrency: 4,
    });
    try {
      const started = Date.now();
      let updates = 0;
      const result = await runPackstack({ ssh, execStream }, await host('client-sync'), '/root/answers.txt', {
        timeoutMs: 60_000,
        onProgress: () => updates++,
      });
      console.log(
        `[reliability] packstack output with a 1 MB line, streamed and parsed: ${Date.now() - started} ms`,
      );
      expect(result.code).toBe(0);
      expect(result.progress.succeeded).toBe(true);
      expect(result.progress.steps).toEqual([
        { title: 'Clean Up', result: 'DONE' },
        { title: '10.0.0.100_controller.pp', result: 'DONE' },
      ]);
      expect(updates).toBeGreaterThan(0);
    } finally {
      await ssh.close();
    }
  });
});
