import { describe, expect, it } from 'vitest';
import { HostError } from '../../../src/errors.js';
import { createLogger } from '../../../src/log/logger.js';
import { checkNtpShard } from '../../../src/ntp-shards/check-ntp-shard.js';
import { sharedNtpCheck } from '../../../src/ntp-shards/coordinator.js';
import type { NtpShardJob } from '../../../src/ntp-shards/shard-job.js';
import { NTP_STATUS_COMMAND } from '../../../src/tasks/chrony/remote-command.js';
import { ntpStatusTask } from '../../../src/tasks/ntp-status/index.js';
import { captureSections } from '../../support/capture-sections.js';
import { inventoryOf, runTask, scripted } from '../../support/run-task.js';
import { memoryQueues, memoryRun } from './memory-run.js';

const capture = captureSections(new URL('../../fixtures/chrony/status-command.txt', import.meta.url));
const SYNC = capture.get('NTP_STATUS_COMMAND: time server (local stratum 3)') ?? '';
const DRIFT = capture.get('NTP_STATUS_COMMAND: client whose only server runs 3 s fast (drift)') ?? '';

const HOSTS = 300;
const names = Array.from({ length: HOSTS }, (_, i) => `h${String(i + 1).padStart(3, '0')}`);
const inventory = inventoryOf(
  `all:\n  hosts:\n${names.map((n, i) => `    ${n}: {ansible_host: 10.0.${Math.floor(i / 250)}.${(i % 250) + 1}}`).join('\n')}\n`,
);
const log = createLogger('silent');
const thresholds = { warnMs: 50, critMs: 500 };
const until = async (probe: () => boolean) => {
  for (let i = 0; i < 2000 && !probe(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!probe()) throw new Error('waited too long');
};

/** A coordinator with its store and queues in memory; the test plays the workers. */
function harness(jobId = '42', above = 200, workers = 2) {
  const store = memoryRun();
  const queues = memoryQueues(workers);
  const check = sharedNtpCheck({ store, queues, above, shards: 4, pollMs: 5, log }, { id: jobId });
  return { store, queues, check };
}

/** A worker's SSH: h007 drifts, h013 refuses, the others are in sync. */
const fleetSsh = () =>
  scripted([
    ['chronyc', DRIFT, 'h007'],
    ['chronyc', new HostError('h013', 'unreachable', 'connect ECONNREFUSED', 'Check sshd.'), 'h013'],
    ['chronyc', SYNC],
  ]);

const runShard = (
  store: ReturnType<typeof memoryRun>,
  ssh: ReturnType<typeof fleetSsh>['ssh'],
  shard: NtpShardJob,
  signal = new AbortController().signal,
) => checkNtpShard({ store, inventory: () => inventory, ssh, thresholds, signal }, shard);

const csvOf = (files: { bytes: Uint8Array }[]) => Buffer.from(files[0]?.bytes ?? []).toString('utf8');
const csvStates = (csv: string) =>
  new Map(
    csv
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .map((r) => [r.split(',')[0], r.split(',')[1]] as const),
  );

describe('a large /lab ntp status shared by workers (coordinator and shards, store and queues in memory)', () => {
  it('hands the hosts out as shards; every host is in the answer once, with the state its worker found', async () => {
    const { store, queues, check } = harness();
    const a = fleetSsh();
    const b = fleetSsh();
    const task = runTask(ntpStatusTask, {
      payload: { reply: { channel: 'C1', messageTs: '1.0' } },
      inventory,
      ssh: scripted([]).ssh, // the coordinator itself asks no host
      sharedNtpCheck: check,
    });
    await until(() => queues.added.length === 4);
    expect(queues.added.flatMap((s) => s.hosts).sort()).toEqual(names);
    // two "workers" share the shards; the first shard is handed on half done and run again
    const [s0, s1, s2, s3] = queues.added as [NtpShardJob, NtpShardJob, NtpShardJob, NtpShardJob];
    await runShard(store, a.ssh, { ...s0, hosts: s0.hosts.slice(0, 10) }); // what a killed worker got done
    expect(await runShard(store, b.ssh, s0)).toEqual({ checked: s0.hosts.length - 10, skipped: 10 });
    await Promise.all([runShard(store, a.ssh, s1), runShard(store, b.ssh, s2), runShard(store, a.ssh, s3)]);
    for (const s of queues.added) queues.states.set(s.shard, { done: true });
    const { final, files, seen } = await task;

    // each host asked once, over both workers
    const asked = [...a.commands, ...b.commands];
    expect(asked).toHaveLength(HOSTS);
    expect(new Set(asked).size).toBe(HOSTS);
    for (const c of asked)
      expect(c).toMatch(new RegExp(`: ${NTP_STATUS_COMMAND.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    expect(final?.text.split('\n')[0]).toBe('NTP status of all hosts: 298 in sync, 1 drifting, 1 error');
    const states = csvStates(csvOf(files));
    expect(states.size).toBe(HOSTS);
    expect(states.get('h007')).toBe('drifting (critical)');
    expect(states.get('h013')).toBe('error');
    expect(seen.filter((s) => s.startsWith('file '))).toHaveLength(1);
    // the run's statuses are gone from the store once reported, and a shard handed on later asks nobody
    expect(store.runs.has('42')).toBe(false);
    const late = fleetSsh();
    expect(await runShard(store, late.ssh, s1)).toEqual({ abandoned: true });
    expect(late.commands).toEqual([]);
  });

  it.each([
    ['at or below the threshold', HOSTS, 2],
    ['with one worker listening for shards', 200, 1],
  ])('%s nothing is shared: the job checks every host itself, as before', async (_what, above, workers) => {
    const { queues, check } = harness('43', above, workers);
    const own = fleetSsh();
    const { final } = await runTask(ntpStatusTask, {
      payload: { reply: { channel: 'C1', messageTs: '1.0' } },
      inventory,
      ssh: own.ssh,
      sharedNtpCheck: check,
    });
    expect(queues.added).toEqual([]);
    expect(own.commands).toHaveLength(HOSTS);
    expect(final?.text.split('\n')[0]).toBe('NTP status of all hosts: 298 in sync, 1 drifting, 1 error');
  });

  it('a coordinator handed on with one worker left takes the run on: the same shards, no host asked again', async () => {
    const { store, queues, check } = harness('44');
    // the first coordinator hands the hosts out, a shard records some of them, then that worker dies
    await check.start([...inventory.hosts.values()], new AbortController().signal);
    const first = [...queues.added];
    const [s0, ...rest] = first as [NtpShardJob, ...NtpShardJob[]];
    const dead = fleetSsh();
    await runShard(store, dead.ssh, { ...s0, hosts: s0.hosts.slice(0, 10) });
    // BullMQ hands the job on to a worker that is now alone: at or over the threshold, one worker would not share
    const alone = { ...queues, liveWorkers: async () => 1 };
    const retried = sharedNtpCheck(
      { store, queues: alone, above: 200, shards: 4, pollMs: 5, log },
      { id: '44' },
    );
    const own = fleetSsh();
    const task = runTask(ntpStatusTask, {
      payload: { reply: { channel: 'C1', messageTs: '1.0' } },
      inventory,
      ssh: own.ssh,
      sharedNtpCheck: retried,
    });
    const later = fleetSsh();
    await until(() => queues.added.length === first.length && store.opened.has('44'));
    await runShard(store, later.ssh, s0); // handed on: the hosts the dead worker recorded are skipped
    for (const s of rest) await runShard(store, later.ssh, s);
    for (const s of first) queues.states.set(s.shard, { done: true });
    const { final, files } = await task;

    expect(queues.added).toEqual(first); // no shard added twice
    expect(own.commands).toEqual([]); // the coordinator asked nobody itself
    const asked = [...dead.commands, ...later.commands];
    expect(asked).toHaveLength(HOSTS);
    expect(new Set(asked).size).toBe(HOSTS);
    expect(final?.text.split('\n')[0]).toBe('NTP status of all hosts: 298 in sync, 1 drifting, 1 error');
    expect(csvStates(csvOf(files)).size).toBe(HOSTS);
    expect(store.runs.has('44')).toBe(false);
  });

  it('a shard failed for good: its hosts are errors saying they were not checked and what to do, never a gap', async () => {
    const { store, queues, check } = harness();
    const { ssh } = fleetSsh();
    const task = runTask(ntpStatusTask, {
      payload: { reply: { channel: 'C1', messageTs: '1.0' } },
      inventory,
      ssh: scripted([]).ssh,
      sharedNtpCheck: check,
    });
    await until(() => queues.added.length === 4);
    const [lost, ...rest] = queues.added as [NtpShardJob, ...NtpShardJob[]];
    await runShard(store, ssh, { ...lost, hosts: lost.hosts.slice(0, 5) }); // then its worker died, for good
    for (const s of rest) await runShard(store, ssh, s);
    for (const s of rest) queues.states.set(s.shard, { done: true });
    queues.states.set(lost.shard, { failed: 'job stalled more than allowable limit' });
    const { final, files } = await task;

    const missing = lost.hosts.length - 5;
    const text = final?.text ?? '';
    expect(text).toMatch(new RegExp(`^Errors: .*${missing} not checked`, 'm'));
    const states = csvStates(csvOf(files));
    expect(states.size).toBe(HOSTS);
    const csv = csvOf(files);
    for (const h of lost.hosts.slice(5)) {
      expect(states.get(h), h).toBe('error');
      expect(csv).toContain(
        `${h},error,,,,,not checked,the worker that had it failed (job stalled more than allowable limit),Run the command again.`,
      );
    }
    for (const h of lost.hosts.slice(0, 5)) expect(states.get(h), h).not.toBe('error');
  });

  it('a shard whose worker never finishes: past the run’s wait bound its hosts are errors saying so, the rest stand', async () => {
    const store = memoryRun();
    const queues = memoryQueues(2);
    // the bound is the coordinator's to compute from the hosts (worker-role: their checks' timeouts); short here
    const bounds: number[] = [];
    const maxWaitMs = (hosts: number) => {
      bounds.push(hosts);
      return 2000; // ample for the other shards to be checked and read first, even on a loaded machine
    };
    const check = sharedNtpCheck(
      { store, queues, above: 200, shards: 4, pollMs: 5, maxWaitMs, log },
      { id: '9' },
    );
    const run = await check.start([...inventory.hosts.values()], new AbortController().signal);
    const [stuck, ...rest] = queues.added as [NtpShardJob, ...NtpShardJob[]];
    for (const s of rest) await runShard(store, fleetSsh().ssh, s);
    for (const s of rest) queues.states.set(s.shard, { done: true });
    // the stuck shard stays 'pending' (its worker holds its slot and never answers)
    const answered = await run.statusOf((rest[0] as NtpShardJob).hosts[0] as string);
    expect(answered.errorCode).not.toBe('not-checked');
    const lost = await run.statusOf(stuck.hosts[0] as string);
    expect(lost).toMatchObject({ state: 'error', errorCode: 'not-checked' });
    expect(JSON.stringify(lost)).toContain('nothing reported after 2 s: stuck or too slow');
    expect(bounds).toEqual([HOSTS]);
    await run.end();
    expect(queues.removed).toEqual([stuck.shard]); // the stuck shard, still waiting, is taken off its queue
  });

  it('cancelled: the coordinator stops waiting, removes the shards not started, and drops the run', async () => {
    const { store, queues, check } = harness('7');
    const cancel = new AbortController();
    const run = await check.start([...inventory.hosts.values()], cancel.signal);
    const [first] = queues.added as [NtpShardJob];
    await runShard(store, fleetSsh().ssh, first);
    queues.states.set(first.shard, { done: true });
    const one = run.statusOf(first.hosts[0] as string);
    const other = run.statusOf((queues.added[1] as NtpShardJob).hosts[0] as string);
    await expect(one).resolves.toMatchObject({ state: expect.any(String) });
    cancel.abort('cancelled by <@U1>');
    await expect(other).rejects.toThrow(/cancelled/);
    await run.end();
    expect(queues.removed.sort()).toEqual(
      queues.added
        .slice(1)
        .map((s) => s.shard)
        .sort(),
    );
    expect(store.runs.has('7')).toBe(false);
  });

  it('a shard cancelled while its commands run records nothing more', async () => {
    const store = memoryRun();
    const cancel = new AbortController();
    const asked: string[] = [];
    const ssh = {
      async exec(host: { name: string }) {
        asked.push(host.name);
        if (asked.length === 3) cancel.abort('cancelled');
        return { stdout: SYNC, stderr: '', code: 0 };
      },
    };
    const shard = { parent: '9', shard: 0, hosts: names.slice(0, 3) };
    await store.open('9');
    expect(
      await checkNtpShard(
        { store, inventory: () => inventory, ssh, thresholds, signal: cancel.signal },
        shard,
      ),
    ).toEqual({
      cancelled: true,
    });
    expect((await store.recorded('9', names)).size).toBe(0);
  });
});
