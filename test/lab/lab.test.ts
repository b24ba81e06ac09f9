// The simulated lab, checked with the real OpenSSH client: each host must show its scenario.
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Lab, startLab } from './index.js';
import { pidAlive } from './processes.js';

let lab: Lab;
let dir: string;

// A fixed dir per net: if a run is killed, the next one stops what it left (from the pid registry).
const labDir = (net: string) => join(tmpdir(), `labops-lab-test-${net}`);

beforeAll(async () => {
  dir = labDir('127.0.9');
  lab = await startLab({ dir, net: '127.0.9' });
}, 30_000);

afterAll(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function ssh(host: string, command: string, key = lab.keyPath) {
  const h = lab.hosts.find((h) => h.name === host);
  if (!h) throw new Error(`no host ${host}`);
  const options = [
    'IdentitiesOnly=yes',
    'BatchMode=yes',
    `UserKnownHostsFile=${lab.knownHostsPath}`,
    'GlobalKnownHostsFile=/dev/null',
    'StrictHostKeyChecking=yes',
    'ConnectTimeout=2',
  ];
  const args = ['-F', '/dev/null', '-i', key, ...options.flatMap((o) => ['-o', o]), '-p', String(h.port)];
  const r = spawnSync('ssh', [...args, `root@${h.address}`, command], { encoding: 'utf8', timeout: 10_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const slowBy = (tracking: string) => Number(/([\d.]+) seconds slow of NTP time/.exec(tracking)?.[1]);

describe('lab', () => {
  it('writes an inventory of both groups, with a key nobody authorised for client-authfail', () => {
    const all = parse(readFileSync(lab.inventoryPath, 'utf8')).all;
    expect(all.vars).toEqual({
      ansible_user: 'root',
      ansible_port: 2222,
      ansible_ssh_private_key_file: lab.keyPath,
    });
    expect(Object.keys(all.children.ntp_servers.hosts)).toEqual(['ntp1', 'ntp2', 'ntp-fast']);
    expect(Object.keys(all.children.ntp_clients.hosts)).toHaveLength(9);
    expect(all.children.ntp_clients.hosts['client-sync']).toEqual({
      ansible_host: '127.0.9.4',
      // its own file, never this machine's /etc/chrony/chrony.conf
      chrony_conf_path: join(lab.dir, 'hosts', 'client-sync', 'chrony.conf'),
    });
    expect(all.children.ntp_clients.hosts['client-authfail'].ansible_ssh_private_key_file).not.toBe(
      lab.keyPath,
    );
  });

  it('client-sync is in sync, with the fast server marked x', () => {
    const r = ssh('client-sync', 'chronyc -c tracking; chronyc -c sources; chronyc -n sources');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/,Normal\n/);
    expect(r.stdout).toMatch(/^\^,\*,127\.0\.9\.[12],/m);
    expect(r.stdout).toMatch(/^\^,x,127\.0\.9\.3,/m);
    expect(r.stdout).toMatch(/^\^x 127\.0\.9\.3 /m);
  });

  it('client-drift is 3 s slow, and follows the fast server when its offset changes', async () => {
    expect(slowBy(ssh('client-drift', 'chronyc tracking').stdout)).toBeCloseTo(3, 1);
    await lab.setFastServerOffset(5);
    let seen = Number.NaN;
    for (const end = Date.now() + 20_000; Date.now() < end && !(Math.abs(seen - 5) < 0.05); ) {
      seen = slowBy(ssh('client-drift', 'chronyc tracking').stdout);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(seen).toBeCloseTo(5, 1);
  }, 30_000);

  it('client-unsync is not synchronised', () => {
    expect(ssh('client-unsync', 'chronyc tracking').stdout).toMatch(/Leap status\s+: Not synchronised/);
  });

  it('client-down has chronyc but no daemon', () => {
    const r = ssh('client-down', 'chronyc -c tracking');
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toContain('506 Cannot talk to daemon');
  });

  it('client-nochrony has no chronyc at all', () => {
    const r = ssh('client-nochrony', 'chronyc -c tracking');
    expect(r.status).toBe(127);
    expect(r.stderr).toContain('chronyc: command not found');
  });

  it('client-silent accepts TCP but never sends a banner', () => {
    const r = ssh('client-silent', 'true');
    expect(r.status).toBe(255);
    expect(r.stderr).toMatch(/timed out/);
  });

  it('client-off refuses connections', () => {
    const r = ssh('client-off', 'true');
    expect(r.status).toBe(255);
    expect(r.stderr).toContain('Connection refused');
  });

  it('client-badkey presents a host key that known_hosts does not list', () => {
    const r = ssh('client-badkey', 'true');
    expect(r.status).toBe(255);
    expect(r.stderr).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
    expect(r.stderr).toContain('Host key verification failed');
  });

  it('client-authfail refuses the key the inventory gives for it', () => {
    const all = parse(readFileSync(lab.inventoryPath, 'utf8')).all;
    const key = all.children.ntp_clients.hosts['client-authfail'].ansible_ssh_private_key_file;
    const r = ssh('client-authfail', 'true', key);
    expect(r.status).toBe(255);
    expect(r.stderr).toContain('Permission denied (publickey)');
  });

  it('known_hosts has hashed and plain entries, and OpenSSH accepts both', () => {
    const entry = (address: string) =>
      spawnSync('ssh-keygen', ['-F', `[${address}]:2222`, '-f', lab.knownHostsPath], { encoding: 'utf8' })
        .stdout;
    expect(entry('127.0.9.4')).toMatch(/^\[127\.0\.9\.4\]:2222 ssh-ed25519 /m); // client-sync
    expect(entry('127.0.9.5')).toMatch(/^\|1\|[^|]+\|[^ ]+ ssh-ed25519 /m); // client-drift
    expect(ssh('client-sync', 'true').status).toBe(0);
    expect(ssh('client-drift', 'true').status).toBe(0);
  });

  it('records each command a host ran on one line, without the root pyenv shell', () => {
    const r = ssh('ntp2', 'echo "$HOME"\necho two');
    expect(r.stdout).toBe(`${join(lab.dir, 'hosts', 'ntp2', 'home')}\ntwo\n`);
    expect(readFileSync(lab.commandLogPath('ntp2'), 'utf8')).toBe('echo "$HOME"\\necho two\n');
  });
});

/** Pids of live processes whose command line mentions `path`. */
function processesUnder(path: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(path) && pidAlive(Number(p));
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('lab lifecycle', () => {
  it('fails with what went wrong and stops what it started, when a time server cannot serve', async () => {
    const failDir = labDir('127.0.10');
    // take ntp2's NTP port first: chronyd keeps running but never answers
    const blocker = createSocket('udp4');
    await new Promise<void>((resolve) => blocker.bind(123, '127.0.10.2', resolve));
    try {
      await expect(startLab({ dir: failDir, net: '127.0.10', readyTimeoutMs: 3000 })).rejects.toThrow(
        /client-sync chronyd .*not ready/,
      );
      expect(processesUnder(`${failDir}/`)).toEqual([]);
    } finally {
      blocker.close();
      rmSync(failDir, { recursive: true, force: true });
    }
  }, 15_000);

  it('stop() kills every daemon, and a second stop() is harmless', async () => {
    const pids = lab.processes().map((p) => p.pid);
    expect(pids.length).toBe(19);
    expect(pids.every(pidAlive)).toBe(true);
    await lab.stop();
    await lab.stop();
    expect(pids.filter(pidAlive)).toEqual([]);
    expect(processesUnder(`${lab.dir}/`)).toEqual([]);
  });
});
