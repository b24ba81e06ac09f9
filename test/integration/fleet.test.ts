import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeSSH } from 'node-ssh';
import ssh2, { type ParsedKey } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.js';
import { SshPool, type SshPoolOptions } from '../../src/ssh/ssh-pool.js';
import { checkHost } from '../../src/tasks/chrony/check-host.js';
import { ALL_ANSWERING, type Fleet, newKeyPair, startFleet } from '../fleet/index.js';

// the simulated fleet (test/fleet) answers labops' own status command as the chronyc captures do, by host state
let fleet: Fleet;
beforeAll(async () => {
  fleet = await startFleet({
    count: 200,
    dir: join(tmpdir(), 'labops-fleet-test'),
    net: '127.65',
    slowMs: 300,
  });
});
afterAll(async () => fleet?.stop());

/** labops' SSH pool on a fleet's known_hosts, with short timeouts and the default fan-out. */
const poolOn = (knownHostsPath: string, extra: Partial<SshPoolOptions> = {}) =>
  new SshPool({
    knownHostsPath,
    connectTimeoutMs: 5000,
    commandTimeoutMs: 5000,
    idleMs: 60_000,
    concurrency: 50,
    ...extra,
  });

describe('the simulated fleet', () => {
  it('answers /lab ntp status over SSH as each host plan says: state, slow, refused, wrong key', async () => {
    const inv = await loadInventory(fleet.inventoryPath, { user: 'root' });
    expect(inv.hosts.size).toBe(200);
    const pool = poolOn(fleet.knownHostsPath);
    try {
      const results = await Promise.all(
        fleet.hosts.map(async (plan) => {
          const host = inv.hosts.get(plan.name);
          if (!host) throw new Error(`${plan.name} is not in the inventory`);
          return { plan, status: await checkHost(pool, host, { warnMs: 100, critMs: 1000 }) };
        }),
      );
      const expected = {
        sync: { state: 'ok' },
        drift: { state: 'critical' },
        unsync: { state: 'unsynchronised' },
        'daemon-down': { state: 'error', errorCode: 'daemon-down' },
      } as const;
      for (const { plan, status } of results) {
        if (plan.behaviour === 'refused')
          expect(status, plan.name).toMatchObject({ state: 'error', errorCode: 'unreachable' });
        else if (plan.behaviour === 'wrong-key')
          expect(status, plan.name).toMatchObject({ state: 'error', errorCode: 'hostkey-mismatch' });
        else expect(status, `${plan.name} (${plan.state})`).toMatchObject(expected[plan.state]);
      }
      // every kind shows in 200 hosts, in the default proportions
      const count = (f: (r: (typeof results)[number]) => boolean) => results.filter(f).length;
      expect(count((r) => r.plan.behaviour === 'refused')).toBe(6);
      expect(count((r) => r.plan.behaviour === 'wrong-key')).toBe(4);
      expect(count((r) => r.plan.behaviour === 'slow')).toBe(6);
      expect(count((r) => r.plan.state === 'drift' && r.plan.behaviour !== 'refused')).toBeGreaterThan(0);
      // one connection per host that took one: refused hosts never connect, wrong-key hosts fail before auth
      const answering = count((r) => r.plan.behaviour === 'answers' || r.plan.behaviour === 'slow');
      expect(fleet.counters.commands).toBe(answering);
      expect(pool.size).toBe(answering);
      expect(fleet.counters.unknownCommands).toBe(0);
      // each over its long-lived status loop (SshPool.execRepeating), one a connection
      expect(fleet.counters.loops).toBe(answering);
    } finally {
      await pool.close();
    }
  });

  it('with the loop turned off (LAB_SSH_STATUS_LOOP=off) every check is a plain exec: no loop asked for', async () => {
    const inv = await loadInventory(fleet.inventoryPath, { user: 'root' });
    const hosts = fleet.hosts.filter((h) => h.behaviour === 'answers').slice(0, 20);
    const pool = poolOn(fleet.knownHostsPath, { loops: false });
    const before = { loops: fleet.counters.loops, commands: fleet.counters.commands };
    try {
      for (let round = 0; round < 2; round++)
        for (const plan of hosts) {
          const host = inv.hosts.get(plan.name);
          if (!host) throw new Error(`${plan.name} is not in the inventory`);
          const status = await checkHost(pool, host, { warnMs: 100, critMs: 1000 });
          // answered as the plan says: a state, or for a host whose chronyd is down, that error
          if (status.state === 'error') expect(status.errorCode, plan.name).toBe('daemon-down');
          else expect(plan.state, plan.name).not.toBe('daemon-down');
        }
      expect(fleet.counters.commands - before.commands).toBe(2 * hosts.length);
      expect(fleet.counters.loops - before.loops).toBe(0);
    } finally {
      await pool.close();
    }
  });
});

describe('a fleet whose hosts refuse the status loop (as a command-restricting ForceCommand would)', () => {
  let refusing: Fleet;
  beforeAll(async () => {
    refusing = await startFleet({
      count: 20,
      dir: join(tmpdir(), 'labops-fleet-refusing-test'),
      net: '127.156',
      mix: ALL_ANSWERING,
      refuseLoops: true,
    });
  });
  afterAll(async () => refusing?.stop());

  it('every check still answers, by plain exec; each connection asks for the loop once', async () => {
    const inv = await loadInventory(refusing.inventoryPath, { user: 'root' });
    const pool = poolOn(refusing.knownHostsPath);
    try {
      for (let round = 0; round < 3; round++) {
        const statuses = await Promise.all(
          [...inv.hosts.values()].map((h) => checkHost(pool, h, { warnMs: 100, critMs: 1000 })),
        );
        expect(statuses.map((s) => s.state)).toEqual(Array(20).fill('ok'));
      }
      expect(refusing.counters).toMatchObject({
        commands: 60,
        loops: 0,
        loopsRefused: 20,
        unknownCommands: 0,
      });
    } finally {
      await pool.close();
    }
  });

  it('refuses a client with another key, and one with its key but a forged signature', async () => {
    const plan = fleet.hosts.find((h) => h.behaviour === 'answers');
    if (!plan) throw new Error('no answering host');
    const host = (await loadInventory(fleet.inventoryPath, { user: 'root' })).hosts.get(plan.name);
    if (!host?.keyPath) throw new Error(`${plan.name} has no key in the inventory`);
    const own = ssh2.utils.parseKey(readFileSync(host.keyPath)) as ParsedKey;
    // the fleet's own public key, but every signature is random bytes of the right length
    const forged: ParsedKey = Object.create(own);
    forged.sign = () => randomBytes(64);
    const other = ssh2.utils.parseKey(newKeyPair().private) as ParsedKey;
    for (const key of [other, forged]) {
      const before = fleet.counters.authFailures;
      const error = await loginWith(host.address, fleet.port, key);
      expect(error?.level, key === forged ? 'forged signature' : 'other key').toBe('client-authentication');
      expect(fleet.counters.authFailures).toBeGreaterThan(before);
    }
  });
});

/** Logs in with `key` (the host key is not checked here); resolves with the error, or undefined once in. */
async function loginWith(
  address: string,
  port: number,
  key: ParsedKey,
): Promise<(Error & { level?: string }) | undefined> {
  const ssh = new NodeSSH();
  try {
    await ssh.connect({
      host: address,
      port,
      username: 'root',
      authHandler: [{ type: 'publickey', username: 'root', key }] as never,
      hostVerifier: () => true,
      readyTimeout: 10_000,
    });
    return undefined;
  } catch (err) {
    return err as Error & { level?: string };
  } finally {
    ssh.dispose();
  }
}
