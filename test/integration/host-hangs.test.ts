import { chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../lab/index.js';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

describe('a lab host that stops answering in the middle of a job', () => {
  let lab: Lab;
  let labops: SlackLabops;

  beforeAll(async () => {
    lab = await startLab({ dir: join(tmpdir(), 'labops-host-hangs-lab'), net: '127.0.13' });
    // client-sync's chronyc now hangs after SSH answered: the command is running when the host stops answering
    const chronyc = join(lab.dir, 'hosts', 'client-sync', 'bin', 'chronyc');
    writeFileSync(chronyc, '#!/bin/sh\nexec sleep 60\n');
    chmodSync(chronyc, 0o755);
    labops = await startSlackLabops({
      LAB_INVENTORY: lab.inventoryPath,
      LAB_KNOWN_HOSTS: lab.knownHostsPath,
      LAB_SSH_COMMAND_TIMEOUT_MS: '1500',
    });
  });
  afterAll(async () => {
    await labops?.close();
    await lab?.stop();
  });

  it('reports that host as timed out, and the other hosts finish', async () => {
    await labops.slash('ntp status ntp_clients');
    const summary = await labops.slack.waitFor(
      (c) => c.method === 'chat.update' && /^NTP status of group ntp_clients/.test(String(c.args.text)),
      30_000,
    );
    const text = String(summary.args.text);
    expect(text).toMatch(/❌ client-sync: unreachable \(timed out\): command did not finish within 1\.5 s/);
    expect(text).toMatch(/🔴 client-drift: drifting/);
    expect(text).toMatch(/client-down: chronyd down/);
  });
});
