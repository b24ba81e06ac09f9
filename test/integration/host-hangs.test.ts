import { chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JOBS_QUEUE } from '../../src/queue/jobs-queue.js';
import { type Lab, startLab } from '../lab/index.js';
import { processesMatching, until } from '../support/local-processes.js';
import { SLACK_IDS } from '../support/slack-request.js';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

// what client-sync's chronyc runs: a sleep no other process on this machine has, so pgrep finds only it
const HANG = `sleep 6${Math.floor(Math.random() * 90000 + 10000)}`;
/** Processes on this machine (the lab's hosts run their commands here) running the hanging chronyc. */
const hanging = () => processesMatching(HANG);

describe('a lab host that stops answering in the middle of a job', () => {
  let lab: Lab;
  let labops: SlackLabops;

  beforeAll(async () => {
    lab = await startLab({ dir: join(tmpdir(), 'labops-host-hangs-lab'), net: '127.0.13' });
    // client-sync's chronyc now hangs after SSH answered: the command is running when the host stops answering
    const chronyc = join(lab.dir, 'hosts', 'client-sync', 'bin', 'chronyc');
    writeFileSync(chronyc, `#!/bin/sh\nexec ${HANG}\n`);
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

  it('kills the timed-out command on the host: no chronyc is left hanging', async () => {
    // the check above timed out; sshd refuses signal requests in the lab's ForceCommand sessions
    expect(await until(() => hanging().length === 0, 5000)).toBe(true);
  });

  it('a cancelled status check stops its remote command, as its message says', async () => {
    // a labops whose commands never time out within the test: only the cancel can stop the hanging chronyc
    const patient = await startSlackLabops({
      LAB_INVENTORY: lab.inventoryPath,
      LAB_KNOWN_HOSTS: lab.knownHostsPath,
      LAB_SSH_COMMAND_TIMEOUT_MS: '120000',
    });
    const jobs = new Queue(JOBS_QUEUE, { connection: { url: inject('redisUrl') }, prefix: patient.prefix });
    try {
      await patient.slash('ntp status client-sync');
      await patient.slack.waitForCount('chat.postMessage', 1, 5000);
      const ts = patient.slack.messages(SLACK_IDS.channelId).at(-1)?.ts as string;
      expect(await until(() => hanging().length > 0, 5000)).toBe(true);
      let jobId: string | undefined;
      await until(async () => {
        jobId = (await jobs.getJobs(['active'])).find((j) => j.name === 'ntp.status')?.id;
        return jobId !== undefined;
      }, 5000);
      expect(jobId).toBeDefined();

      await patient.slash(`cancel ${jobId}`);
      const cancelled = await patient.slack.waitFor(
        (c) => c.method === 'chat.update' && c.args.ts === ts && /cancelled by/.test(String(c.args.text)),
        5000,
      );
      expect(String(cancelled.args.text)).toMatch(/Remote commands still running were stopped/);
      expect(await until(() => hanging().length === 0, 5000)).toBe(true);
    } finally {
      await jobs.close();
      await patient.close();
    }
  });
});
