// The long-lived status channel (SshPool.execRepeating) on real sshd and chronyd: the same answers as exec, and on
// timeout, cancel, pool close, a flood, a host that refuses it and a connection that died, what exec does.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type InventoryHost, loadInventory } from '../../src/inventory/index.js';
import { SshPool, type SshPoolOptions } from '../../src/ssh/ssh-pool.js';
import { checkHost } from '../../src/tasks/chrony/check-host.js';
import {
  NTP_STATUS_COMMAND,
  NTP_STATUS_REPEATING,
  splitStatusOutput,
} from '../../src/tasks/chrony/remote-command.js';
import { type Lab, startLab } from '../lab/index.js';
import { tcpAccepts } from '../lab/ports.js';
import { processesMatching as running, until } from '../support/local-processes.js';
import { logSince } from '../support/log-since.js';

// a lab of its own: these tests make chronyc hang, flood and a host refuse the loop
let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ dir: join(tmpdir(), 'labops-status-loop-lab'), net: '127.157.1' });
});
afterAll(async () => lab?.stop());

const THRESHOLDS = { warnMs: 50, critMs: 500 };
const hostDir = (name: string) => join(lab.dir, 'hosts', name);
const chronycPath = (name: string) => join(hostDir(name), 'bin', 'chronyc');

async function labHost(name: string): Promise<InventoryHost> {
  const host = (await loadInventory(lab.inventoryPath, { user: 'root' })).hosts.get(name);
  if (!host) throw new Error(`no ${name} in the lab`);
  return host;
}

/** What reached the host, split into status loops started and plain status commands. */
function ranOn(name: string) {
  const log = logSince(lab.commandLogPath(name));
  const KILL = /^kill -KILL -- -\d+ 2>\/dev\/null$/;
  return () => {
    const lines = log.read();
    const loop = (l: string) => l.endsWith(NTP_STATUS_REPEATING.loop);
    const exec = (l: string) => l.endsWith(`; ${NTP_STATUS_COMMAND}`);
    return {
      loops: lines.filter(loop).length,
      execs: lines.filter(exec).length,
      kills: lines.filter((l) => KILL.test(l)).length,
      other: lines.filter((l) => !loop(l) && !exec(l) && !KILL.test(l)),
    };
  };
}

/** The status loops' shells running on a lab host (found by the HOME its sshd gives them). */
const loopsOn = (name: string) =>
  running('while read -r _; do ').filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'latin1').includes(`HOME=${join(hostDir(name), 'home')}\0`);
    } catch {
      return false; // gone meanwhile
    }
  });

/** Makes the host's chronyc hang (a sleep no other process has, so pgrep finds only it); returns a probe and an undo. */
function hangChronyc(name: string) {
  const wrapper = readFileSync(chronycPath(name), 'utf8');
  const sleep = `sleep 7${Math.floor(Math.random() * 90000 + 10000)}`;
  writeFileSync(chronycPath(name), `#!/bin/sh\nexec ${sleep}\n`);
  return {
    hanging: () => running(sleep).length,
    restore: () => writeFileSync(chronycPath(name), wrapper),
  };
}

let pool: SshPool | undefined;
const make = (o: Partial<SshPoolOptions> = {}) => {
  pool = new SshPool({
    knownHostsPath: lab.knownHostsPath,
    connectTimeoutMs: 5000,
    commandTimeoutMs: 10_000,
    idleMs: 60_000,
    concurrency: 10,
    ...o,
  });
  return pool;
};
afterEach(async () => pool?.close());

describe('the status loop on real sshd and chronyd', () => {
  it('several checks over one loop give what exec gives, on every kind of lab host', async () => {
    const p = make();
    const names = ['ntp1', 'client-sync', 'client-drift', 'client-unsync', 'client-down', 'client-nochrony'];
    const hosts = await Promise.all(names.map(labHost));
    const logs = names.map(ranOn);
    const looped = [];
    for (let i = 0; i < 4; i++) looped.push(await Promise.all(hosts.map((h) => checkHost(p, h, THRESHOLDS))));
    const plain = await Promise.all(hosts.map((h) => checkHost({ exec: p.exec.bind(p) }, h, THRESHOLDS)));
    const summary = (s: { state: string; errorCode?: string; sources?: unknown[] }) => ({
      state: s.state,
      errorCode: s.errorCode,
      sources: s.sources?.length,
    });
    for (const round of looped) expect(round.map(summary)).toEqual(plain.map(summary));
    expect(plain.map((s) => s.state)).toEqual(['ok', 'ok', 'critical', 'unsynchronised', 'error', 'error']);
    // the raw output is the same bytes where nothing moves between runs (no daemon, no chronyc)
    for (const name of ['client-down', 'client-nochrony']) {
      const h = await labHost(name);
      const viaLoop = await p.execRepeating(h, NTP_STATUS_REPEATING);
      const viaExec = await p.exec(h, NTP_STATUS_COMMAND);
      expect(viaLoop).toEqual({ stdout: viaExec.stdout, stderr: '', code: 0 });
      expect(splitStatusOutput(viaLoop.stdout).chronyc.exitCode).toBe(name === 'client-down' ? 1 : 127);
    }
    // one loop a host for all its checks; exec only for the plain round and the comparison
    for (const [i, log] of logs.entries()) {
      const name = names[i] as string;
      const plainRuns = name === 'client-down' || name === 'client-nochrony' ? 2 : 1;
      expect(log(), name).toEqual({ loops: 1, execs: plainRuns, kills: 0, other: [] });
    }
    expect(loopsOn('client-sync')).toHaveLength(1);
  });

  it('one host checked 30 times each way, in turn: the same answers (the time each takes is logged, not asserted)', async () => {
    const p = make();
    const host = await labHost('client-sync');
    const plain = { exec: p.exec.bind(p) };
    await checkHost(p, host, THRESHOLDS);
    const ms = { loop: [] as number[], exec: [] as number[] };
    for (let i = 0; i < 30; i++) {
      for (const [way, ssh] of [
        ['loop', p],
        ['exec', plain],
      ] as const) {
        const t = performance.now();
        expect((await checkHost(ssh, host, THRESHOLDS)).state).toBe('ok');
        ms[way].push(performance.now() - t);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]?.toFixed(1);
    console.log(
      `[status loop] one real sshd, 30 checks each: median ${median(ms.loop)} ms over the loop, ${median(ms.exec)} ms by exec`,
    );
  });

  it('two checks of one host at once: one over the loop, the other by exec rather than waiting behind it', async () => {
    const p = make();
    const host = await labHost('ntp2');
    const log = ranOn('ntp2');
    expect((await checkHost(p, host, THRESHOLDS)).state).toBe('ok');
    const both = await Promise.all([checkHost(p, host, THRESHOLDS), checkHost(p, host, THRESHOLDS)]);
    expect(both.map((s) => s.state)).toEqual(['ok', 'ok']);
    expect((await checkHost(p, host, THRESHOLDS)).state).toBe('ok');
    expect(log()).toEqual({ loops: 1, execs: 1, kills: 0, other: [] });
  });

  it('a hung chronyc times out, is killed on the host with its loop, and the next check runs on a fresh loop', async () => {
    const p = make({ commandTimeoutMs: 1500 });
    const host = await labHost('client-sync');
    const log = ranOn('client-sync');
    expect((await checkHost(p, host, THRESHOLDS)).state).toBe('ok');
    const hang = hangChronyc('client-sync');
    try {
      const hung = await checkHost(p, host, THRESHOLDS);
      expect(hung).toMatchObject({ state: 'error', errorCode: 'timeout' });
      expect(hung.reason).toMatch(/command did not finish within 1\.5 s; labops killed it/);
      expect(await until(() => hang.hanging() === 0 && loopsOn('client-sync').length === 0, 5000)).toBe(true);
    } finally {
      hang.restore();
    }
    expect((await checkHost(p, host, THRESHOLDS)).state).toBe('ok');
    expect(log()).toEqual({ loops: 2, execs: 0, kills: 1, other: [] });
  });

  it('a cancel stops the check and kills the loop on the host', async () => {
    const p = make({ commandTimeoutMs: 120_000 });
    const host = await labHost('ntp2');
    expect((await checkHost(p, host, THRESHOLDS)).state).toBe('ok');
    const hang = hangChronyc('ntp2');
    try {
      const job = new AbortController();
      const check = checkHost(p, host, THRESHOLDS, job.signal);
      expect(await until(() => hang.hanging() > 0, 5000)).toBe(true);
      job.abort();
      expect(await check).toMatchObject({ state: 'error', reason: 'cancelled' });
      expect(await until(() => hang.hanging() === 0 && loopsOn('ntp2').length === 0, 5000)).toBe(true);
    } finally {
      hang.restore();
    }
  });

  it('closing the pool ends an idle loop, and stops a loop in the middle of a check, on the host too', async () => {
    const idle = make();
    expect((await checkHost(idle, await labHost('ntp-fast'), THRESHOLDS)).state).toBe('ok');
    expect(loopsOn('ntp-fast')).toHaveLength(1);
    await idle.close();
    expect(await until(() => loopsOn('ntp-fast').length === 0, 5000)).toBe(true);

    const busy = make({ commandTimeoutMs: 120_000 });
    const host = await labHost('client-drift');
    expect((await checkHost(busy, host, THRESHOLDS)).state).toBe('critical');
    const hang = hangChronyc('client-drift');
    try {
      const check = busy.execRepeating(host, NTP_STATUS_REPEATING).catch((e: unknown) => e);
      expect(await until(() => hang.hanging() > 0, 5000)).toBe(true);
      await busy.close();
      expect(await check).toMatchObject({ message: 'labops is shutting down: the command was stopped' });
      expect(await until(() => hang.hanging() === 0 && loopsOn('client-drift').length === 0, 5000)).toBe(
        true,
      );
    } finally {
      hang.restore();
    }
  });

  it('a chronyc printing 3 MB: the loop keeps and reports what exec does, and goes on answering', async () => {
    const p = make({ commandTimeoutMs: 60_000 });
    const host = await labHost('client-unsync');
    const log = ranOn('client-unsync');
    const wrapper = readFileSync(chronycPath('client-unsync'), 'utf8');
    writeFileSync(
      chronycPath('client-unsync'),
      wrapper.replace('exec ', "head -c 3145728 /dev/zero | tr '\\0' x; echo\nexec "),
    );
    try {
      const viaLoop = await p.execRepeating(host, NTP_STATUS_REPEATING);
      const viaExec = await p.exec(host, NTP_STATUS_COMMAND);
      expect(viaLoop.truncated).toEqual(viaExec.truncated);
      expect(viaLoop.truncated?.stdoutBytes).toBeGreaterThan(2 * 1024 * 1024);
      expect(viaLoop.stdout.length).toBeLessThanOrEqual(1024 * 1024 + 1);
      const status = await checkHost(p, host, THRESHOLDS);
      expect(status).toMatchObject({
        state: 'unsynchronised',
        outputCut: expect.stringMatching(/^output cut at 1 MiB/),
      });
    } finally {
      writeFileSync(chronycPath('client-unsync'), wrapper);
    }
    expect((await checkHost(p, host, THRESHOLDS)).outputCut).toBeUndefined();
    expect(log()).toEqual({ loops: 1, execs: 1, kills: 0, other: [] });
  });

  it('a host whose ForceCommand allows only the plain command: checks run by exec, the loop is asked once', async () => {
    // client-sync's sshd, in this file's own lab, rereads its config on SIGHUP (same pid)
    const dir = hostDir('client-sync');
    const refusals = join(dir, 'loop-refusals.log');
    writeFileSync(refusals, ''); // the lab's dir is kept from run to run
    const config = join(dir, 'sshd_config');
    const before = readFileSync(config, 'utf8');
    const recorder = /^ForceCommand (\S+)$/m.exec(before)?.[1];
    if (!recorder) throw new Error('no ForceCommand in the lab sshd_config');
    const wrapper = join(dir, 'only-plain-commands');
    writeFileSync(
      wrapper,
      [
        '#!/bin/sh',
        `case "$SSH_ORIGINAL_COMMAND" in *'while read'*) echo x >> ${refusals}; echo 'command not allowed' >&2; exit 1;; esac`,
        `exec ${recorder}`,
        '',
      ].join('\n'),
    );
    chmodSync(wrapper, 0o755);
    writeFileSync(config, before.replace(/^ForceCommand .*$/m, `ForceCommand ${wrapper}`));
    const restart = async () => {
      const sshd = lab.processes().find((proc) => proc.name === 'client-sync/sshd');
      if (!sshd) throw new Error('no sshd for client-sync');
      process.kill(sshd.pid, 'SIGHUP');
      const h = await labHost('client-sync');
      expect(await until(() => tcpAccepts(h.address, h.port), 5000)).toBe(true);
      await new Promise((r) => setTimeout(r, 300)); // the re-executed sshd listens before it has read its keys
    };
    await restart();
    try {
      const p = make();
      const host = await labHost('client-sync');
      const log = ranOn('client-sync');
      for (let i = 0; i < 3; i++) expect((await checkHost(p, host, THRESHOLDS)).state).toBe('ok');
      expect(readFileSync(refusals, 'utf8')).toBe('x\n');
      expect(log()).toEqual({ loops: 0, execs: 3, kills: 0, other: [] });
    } finally {
      writeFileSync(config, before);
      await restart();
    }
  });

  it('a connection whose sshd died between checks: one fresh try, on a new connection and a new loop', async () => {
    const p = make();
    const host = await labHost('ntp1');
    const log = ranOn('ntp1');
    expect((await checkHost(p, host, THRESHOLDS)).state).toBe('ok');
    // kill this connection's sshd session from the host side (as a restart or reboot does); the listener stays
    await p.exec(host, 'kill -9 $PPID').catch(() => undefined);
    expect((await checkHost(p, host, THRESHOLDS)).state).toBe('ok');
    expect((await checkHost(p, host, THRESHOLDS)).state).toBe('ok');
    const ran = log();
    expect(ran.loops).toBe(2);
    expect(ran.other).toHaveLength(1);
    expect(ran.other[0]).toMatch(/; kill -9 \$PPID$/);
    expect(await until(() => loopsOn('ntp1').length === 1, 5000)).toBe(true);
  });
});
